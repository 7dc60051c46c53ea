namespace Vmm.Virtio.Tests.Support;

/// <summary>Deterministic values decoded from arbitrary bytes (FsCheck input or fuzzer input); zero once exhausted.</summary>
public ref struct ByteSource
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ByteSource(ReadOnlySpan<byte> data) => _data = data;

    public readonly bool IsEmpty => _position >= _data.Length;

    public byte Next() => _position < _data.Length ? _data[_position++] : (byte)0;

    public ushort NextUInt16() => (ushort)(Next() | (Next() << 8));

    public uint NextUInt32() => NextUInt16() | ((uint)NextUInt16() << 16);
}
