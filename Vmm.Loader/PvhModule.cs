using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>A PVH boot module (<c>hvm_modlist_entry</c>): for Linux the first module is the initrd.</summary>
/// <param name="Address">Guest-physical address of the module.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="CommandLine">Address of its NUL-terminated command line, or <see cref="GuestAddress.Zero"/> for none.</param>
public readonly record struct PvhModule(GuestAddress Address, ulong Size, GuestAddress CommandLine);
