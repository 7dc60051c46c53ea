using System.Buffers.Binary;
using System.IO.Compression;
using FsCheck.Xunit;
using K4os.Compression.LZ4;

namespace Vmm.Loader.Tests;

public sealed class KernelPayloadTests
{
    private static byte[] Sample(int length, int seed)
    {
        var data = new byte[length];
        var random = new Random(seed);
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(random.Next(8) == 0 ? random.Next(256) : i / 64);
        }

        return data;
    }

    [Property(MaxTest = 20)]
    public void Decompress_GzipRoundTrip_Original(ushort kib, int seed)
    {
        var data = Sample((kib % 2048) + 1, seed);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        Assert.Equal(PayloadFormat.Gzip, KernelPayload.Detect(compressed.ToArray()));
        Assert.Equal(data, KernelPayload.Decompress(compressed.ToArray()));
    }

    [Property(MaxTest = 20)]
    public void Decompress_ZstdRoundTrip_Original(ushort length, int seed)
    {
        var data = Sample((length * 7) + 1, seed);
        using var compressor = new ZstdSharp.Compressor(3);
        var compressed = compressor.Wrap(data).ToArray();

        Assert.Equal(PayloadFormat.Zstd, KernelPayload.Detect(compressed));
        Assert.Equal(data, KernelPayload.Decompress(compressed));
    }

    [Property(MaxTest = 20)]
    public void Decompress_Lz4LegacyBlocksWithSizeTrailer_Original(ushort length, int seed)
    {
        var data = Sample((length * 31) + 1, seed);
        var frame = new List<byte>();
        frame.AddRange(BitConverter.GetBytes(0x184C2102u));
        foreach (var chunk in data.Chunk(8 << 20))
        {
            var block = new byte[LZ4Codec.MaximumOutputSize(chunk.Length)];
            int n = LZ4Codec.Encode(chunk, block);
            frame.AddRange(BitConverter.GetBytes(n));
            frame.AddRange(block[..n]);
        }

        frame.AddRange(BitConverter.GetBytes(data.Length));
        Assert.Equal(data, KernelPayload.Decompress(frame.ToArray()));
    }

    [Fact]
    public void Decompress_OverLimit_KernelFormatException()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(new byte[4 << 20]);
        }

        var e = Assert.Throws<KernelFormatException>(() => KernelPayload.Decompress(compressed.ToArray(), 1 << 20));
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decompress_Lz4BlockSizeBeyondInput_KernelFormatException()
    {
        var frame = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 0x184C2102);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), 0x7fffffff);
        Assert.Throws<KernelFormatException>(() => KernelPayload.Decompress(frame));
    }

    [Theory]
    [InlineData(new byte[] { 0x42, 0x5a, 0x68, 0x39 })]
    [InlineData(new byte[] { 0x89, 0x4c, 0x5a, 0x4f })]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    public void Decompress_UnsupportedFormat_KernelFormatException(byte[] payload) =>
        Assert.Throws<KernelFormatException>(() => KernelPayload.Decompress(payload));
}
