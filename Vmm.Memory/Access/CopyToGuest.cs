namespace Vmm.Memory.Access;

/// <summary>Copies a buffer into guest memory.</summary>
internal readonly unsafe ref struct CopyToGuest(ReadOnlySpan<byte> source) : IRegionAccess
{
    private readonly ReadOnlySpan<byte> _source = source;

    /// <inheritdoc/>
    public int Access(MemoryRegion region, ulong offset, int length, ulong done)
    {
        _source.Slice((int)done, length).CopyTo(new Span<byte>(region.Host + offset, length));
        return length;
    }
}
