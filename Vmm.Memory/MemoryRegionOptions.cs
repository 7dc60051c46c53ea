namespace Vmm.Memory;

/// <summary>How a <see cref="MemoryRegion"/> maps its memory.</summary>
public sealed record MemoryRegionOptions
{
    /// <summary>The defaults: private, no huge pages, <c>MAP_NORESERVE</c>, <c>MADV_DONTFORK</c>, no dirty tracking.</summary>
    public static MemoryRegionOptions Default { get; } = new();

    /// <summary>Map <c>MAP_SHARED</c> rather than <c>MAP_PRIVATE</c> (always true for memfd regions).</summary>
    public bool Shared { get; init; }

    /// <summary>Huge page policy.</summary>
    public HugePageMode HugePages { get; init; }

    /// <summary>
    /// Do not reserve swap space for the mapping (<c>MAP_NORESERVE</c>): guest RAM is committed only when touched.
    /// Ignored with <see cref="HugePageMode.HugeTlbFs"/>: huge pages are always reserved when the region is created,
    /// so an exhausted pool fails creation instead of faulting later.
    /// </summary>
    public bool NoReserve { get; init; } = true;

    /// <summary>Keep the mapping out of child processes (<c>MADV_DONTFORK</c>), so a fork of the VMM cannot copy guest RAM.</summary>
    public bool DontFork { get; init; } = true;

    /// <summary>Keep a page-granular dirty bitmap marked by every write through the Vmm.Memory API.</summary>
    public bool TrackDirtyPages { get; init; }

    /// <summary>Map the memory read-only (only for file-backed regions).</summary>
    public bool ReadOnly { get; init; }
}
