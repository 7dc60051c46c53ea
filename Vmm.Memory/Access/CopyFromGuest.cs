namespace Vmm.Memory.Access;

/// <summary>Copies guest memory into a buffer.</summary>
internal readonly unsafe ref struct CopyFromGuest(Span<byte> destination) : IRegionAccess
{
    private readonly Span<byte> _destination = destination;

    /// <inheritdoc/>
    public int Access(MemoryRegion region, ulong offset, int length, ulong done)
    {
        new ReadOnlySpan<byte>(region.Host + offset, length).CopyTo(_destination.Slice((int)done, length));
        return length;
    }
}
