namespace Vmm.Memory.Access;

/// <summary>Touches nothing: a walk with it measures how much of a range is accessible.</summary>
internal struct ProbeAccess : IRegionAccess
{
    /// <inheritdoc/>
    public readonly ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done) => length;
}
