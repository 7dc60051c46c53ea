namespace Vmm.Memory.Access;

/// <summary>
/// Resolves a range that must lie inside one region to its host address: the first piece the walk offers either is
/// the whole range (then <see cref="Host"/> points at it) or the walk stops having handled nothing.
/// </summary>
internal unsafe struct ContiguousAccess(int length) : IRegionAccess
{
    private readonly int _length = length;

    /// <summary>The host address of the range, once the walk has covered it; null before.</summary>
    public byte* Host { get; private set; }

    /// <inheritdoc/>
    public int Access(MemoryRegion region, ulong offset, int length, ulong done)
    {
        if (length != _length)
        {
            return 0;
        }

        Host = region.Host + offset;
        return length;
    }
}
