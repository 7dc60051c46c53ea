namespace Vmm.Memory.Access;

/// <summary>Copies a buffer into guest memory.</summary>
internal readonly unsafe ref struct CopyToGuest(ReadOnlySpan<byte> source) : IRegionAccess
{
    private readonly ReadOnlySpan<byte> _source = source;

    /// <inheritdoc/>
    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done)
    {
        _source.Slice((int)done, (int)length).CopyTo(new Span<byte>(region.Host + offset, (int)length));
        return length;
    }
}
