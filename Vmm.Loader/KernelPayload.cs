using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;
using ZstdSharp;

namespace Vmm.Loader;

/// <summary>
/// Host-side decompression of a bzImage payload (the compressed <c>vmlinux</c>) with well-kept .NET
/// libraries: gzip (System.IO.Compression), XZ (LZMA2 from SharpCompress, x86 BCJ undone here), LZ4 legacy frames (K4os), zstd (ZstdSharp).
/// The output is bounded so that a hostile image cannot exhaust host memory.
/// </summary>
public static class KernelPayload
{
    /// <summary>The default bound on the decompressed size (512 MiB).</summary>
    public const int DefaultMaximumLength = 512 << 20;

    private const uint Lz4LegacyMagic = 0x184C2102;
    private const int Lz4LegacyBlockSize = 8 << 20;

    /// <summary>Recognises the payload format by its magic bytes.</summary>
    public static PayloadFormat Detect(ReadOnlySpan<byte> payload)
    {
        if (payload.StartsWith("\u007fELF"u8))
        {
            return PayloadFormat.Uncompressed;
        }

        if (payload.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return PayloadFormat.Gzip;
        }

        if (payload.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
        {
            return PayloadFormat.Xz;
        }

        if (payload.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(payload) == Lz4LegacyMagic)
        {
            return PayloadFormat.Lz4Legacy;
        }

        if (payload.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
        {
            return PayloadFormat.Zstd;
        }

        if (payload.StartsWith("BZh"u8))
        {
            return PayloadFormat.Bzip2;
        }

        if (payload.StartsWith((ReadOnlySpan<byte>)[0x5d, 0x00, 0x00]))
        {
            return PayloadFormat.Lzma;
        }

        if (payload.StartsWith((ReadOnlySpan<byte>)[0x89, 0x4c, 0x5a, 0x4f]))
        {
            return PayloadFormat.Lzo;
        }

        return PayloadFormat.Unknown;
    }

    /// <summary>Decompresses a payload whose format is recognised by <see cref="Detect"/>.</summary>
    /// <param name="payload">The payload bytes (<c>payload_offset</c>/<c>payload_length</c> of the setup header).</param>
    /// <param name="maximumLength">The most bytes the output may have.</param>
    /// <returns>The decompressed bytes (for a kernel: the ELF <c>vmlinux</c>).</returns>
    /// <exception cref="KernelFormatException">Unknown or unsupported format, corrupt data, or output over the limit.</exception>
    public static byte[] Decompress(ReadOnlyMemory<byte> payload, int maximumLength = DefaultMaximumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maximumLength);
        var format = Detect(payload.Span);
        // Kernel payloads (except zstd's own frame) end with the decompressed size, 4 bytes little-endian.
        int hint = payload.Length >= 4 ? (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(payload.Span[^4..]), (uint)maximumLength) : 0;
        var output = new BoundedOutputBuffer(maximumLength, hint);
        try
        {
            switch (format)
            {
                case PayloadFormat.Uncompressed:
                    output.Append(payload.Span);
                    break;
                case PayloadFormat.Gzip:
                    using (var gzip = new GZipStream(AsStream(payload), CompressionMode.Decompress))
                    {
                        output.ReadFrom(gzip);
                    }

                    break;
                case PayloadFormat.Xz:
                    XzPayload.Decode(payload, output);

                    break;
                case PayloadFormat.Zstd:
                    using (var zstd = new DecompressionStream(AsStream(payload)))
                    {
                        output.ReadFrom(zstd);
                    }

                    break;
                case PayloadFormat.Lz4Legacy:
                    DecodeLz4Legacy(payload.Span, output);
                    break;
                default:
                    throw new KernelFormatException($"Payload: format {format} is not supported for host-side decompression.");
            }
        }
        catch (KernelFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The decoders throw their own exception types (SharpCompress's DataErrorException,
            // ZstdException, InvalidDataException, even IndexOutOfRangeException) on hostile input.
            throw new KernelFormatException($"Payload: corrupt {format} data ({e.Message}).", e);
        }

        if (output.Length == 0)
        {
            throw new KernelFormatException($"Payload: {format} data decompressed to nothing.");
        }

        return output.ToArray();
    }

    private static void DecodeLz4Legacy(ReadOnlySpan<byte> payload, BoundedOutputBuffer output)
    {
        int maxCompressed = LZ4Codec.MaximumOutputSize(Lz4LegacyBlockSize);
        byte[] block = ArrayPool<byte>.Shared.Rent(Lz4LegacyBlockSize);
        try
        {
            int pos = 4;
            // Blocks: 4-byte compressed size, then the data. The kernel appends the 4-byte
            // decompressed size after the last block, so fewer than 5 bytes left means the end.
            while (payload.Length - pos > 4)
            {
                uint chunk = BinaryPrimitives.ReadUInt32LittleEndian(payload[pos..]);
                pos += 4;
                if (chunk == Lz4LegacyMagic)
                {
                    continue; // a concatenated stream starts
                }

                if (chunk == 0 || chunk > (uint)maxCompressed || chunk > (uint)(payload.Length - pos))
                {
                    throw new KernelFormatException($"Payload: LZ4 block at 0x{pos - 4:x} has an invalid compressed size 0x{chunk:x}.");
                }

                int n = LZ4Codec.Decode(payload.Slice(pos, (int)chunk), block.AsSpan(0, Lz4LegacyBlockSize));
                if (n < 0)
                {
                    throw new KernelFormatException($"Payload: LZ4 block at 0x{pos - 4:x} is corrupt.");
                }

                output.Append(block.AsSpan(0, n));
                pos += (int)chunk;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
}
