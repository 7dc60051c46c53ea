using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>What loading a kernel produced: where it lives and where the boot CPU starts.</summary>
/// <param name="Kind">Which load path was taken.</param>
/// <param name="Footprint">
/// The guest-physical memory the kernel occupies or will occupy while it boots (for a bzImage this
/// includes the area its decompressor extracts into: <c>init_size</c> bytes from the run address).
/// Nothing else (initrd, tables) may be placed there.
/// </param>
/// <param name="Entry64">The 64-bit boot protocol entry point (RIP in long mode).</param>
/// <param name="PvhEntry">The 32-bit PVH entry point from the <c>XEN_ELFNOTE_PHYS32_ENTRY</c> note, when the kernel has one.</param>
/// <param name="SetupHeader">The image's setup header (bzImage paths); null for an ELF <c>vmlinux</c>.</param>
public sealed record LoadedKernel(
    KernelImageKind Kind,
    GuestRange Footprint,
    GuestAddress Entry64,
    GuestAddress? PvhEntry,
    SetupHeader? SetupHeader);
