namespace Vmm.Memory.Access;

/// <summary>Sets guest memory to one byte value.</summary>
internal readonly unsafe struct FillGuest(byte value) : IRegionAccess
{
    private readonly byte _value = value;

    /// <inheritdoc/>
    public int Access(MemoryRegion region, ulong offset, int length, ulong done)
    {
        new Span<byte>(region.Host + offset, length).Fill(_value);
        return length;
    }
}
