namespace Vmm.Loader;

/// <summary>A loadable (<c>PT_LOAD</c>) segment of an ELF64 kernel.</summary>
/// <param name="FileOffset">Offset of the segment's bytes in the file.</param>
/// <param name="VirtualAddress">The segment's link-time virtual address (<c>p_vaddr</c>).</param>
/// <param name="PhysicalAddress">The guest-physical address it is loaded at (<c>p_paddr</c>).</param>
/// <param name="FileSize">Bytes copied from the file (<c>p_filesz</c>).</param>
/// <param name="MemorySize">Bytes occupied in memory (<c>p_memsz</c>); the excess over <paramref name="FileSize"/> is zeroed (BSS).</param>
/// <param name="Flags">The segment permissions (<c>p_flags</c>: 1 execute, 2 write, 4 read).</param>
public readonly record struct ElfSegment(
    ulong FileOffset,
    ulong VirtualAddress,
    ulong PhysicalAddress,
    ulong FileSize,
    ulong MemorySize,
    uint Flags);
