namespace Vmm.Loader;

/// <summary>A growable output buffer that refuses to grow past a hard limit (decompression bombs).</summary>
internal sealed class BoundedOutputBuffer(int limit, int initialCapacity)
{
    private byte[] _buffer = new byte[Math.Clamp(initialCapacity, 4096, limit)];

    public int Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > limit - Length)
        {
            throw new KernelFormatException($"Payload: decompressed size exceeds the {limit}-byte limit.");
        }

        EnsureCapacity(Length + data.Length);
        data.CopyTo(_buffer.AsSpan(Length));
        Length += data.Length;
    }

    public void ReadFrom(Stream stream)
    {
        // Reads land at offset 0 of a scratch buffer: SharpCompress's XZ x86 (BCJ) filter computes
        // its instruction positions wrongly when Read is called with a non-zero offset.
        byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int n;
            while ((n = stream.Read(scratch, 0, scratch.Length)) > 0)
            {
                Append(scratch.AsSpan(0, n));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public int Remaining => limit - Length;

    public Span<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => Length == _buffer.Length ? _buffer : _buffer.AsSpan(0, Length).ToArray();

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        long grown = Math.Max((long)_buffer.Length * 2, needed);
        Array.Resize(ref _buffer, (int)Math.Min(grown, limit));
    }
}
