namespace Vmm.Memory.Access;

/// <summary>Sets guest memory to one byte value, at most <see cref="int.MaxValue"/> bytes per call (the walk goes on with the rest).</summary>
internal readonly unsafe struct FillGuest(byte value) : IRegionAccess
{
    private readonly byte _value = value;

    /// <inheritdoc/>
    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done)
    {
        int n = (int)Math.Min(length, int.MaxValue);
        new Span<byte>(region.Host + offset, n).Fill(_value);
        return (ulong)n;
    }
}
