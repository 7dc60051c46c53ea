namespace Vmm.Memory.Access;

/// <summary>Copies guest memory into a buffer.</summary>
internal readonly unsafe ref struct CopyFromGuest(Span<byte> destination) : IRegionAccess
{
    private readonly Span<byte> _destination = destination;

    /// <inheritdoc/>
    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done)
    {
        new ReadOnlySpan<byte>(region.Host + offset, (int)length).CopyTo(_destination.Slice((int)done, (int)length));
        return length;
    }
}
