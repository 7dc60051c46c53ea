using System.Buffers.Binary;
using SharpCompress.Compressors.LZMA;

namespace Vmm.Loader;

/// <summary>
/// Reads the single-block XZ streams the kernel build makes (<c>xz --check=crc32 --x86 --lzma2</c>):
/// parses the container, decodes LZMA2 with SharpCompress, undoes the x86 BCJ filter and verifies the CRC32 check.
/// </summary>
internal static class XzPayload
{
    private const byte FilterX86 = 0x04;
    private const byte FilterLzma2 = 0x21;

    public static void Decode(ReadOnlyMemory<byte> payload, BoundedOutputBuffer output)
    {
        var span = payload.Span;
        if (span.Length < 12 + 8 || span[6] != 0)
        {
            throw new KernelFormatException("Payload: XZ stream header is truncated or has reserved flags set.");
        }

        int checkType = span[7] & 0x0f;
        if (Crc32.Compute(span.Slice(6, 2)) != BinaryPrimitives.ReadUInt32LittleEndian(span[8..]))
        {
            throw new KernelFormatException("Payload: XZ stream header CRC mismatch.");
        }

        int pos = 12;
        int headerSize = (span[pos] + 1) * 4;
        if (span[pos] == 0 || pos + headerSize > span.Length)
        {
            throw new KernelFormatException("Payload: XZ stream has no block or a truncated block header.");
        }

        var header = span.Slice(pos, headerSize);
        if (Crc32.Compute(header[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(header[^4..]))
        {
            throw new KernelFormatException("Payload: XZ block header CRC mismatch.");
        }

        byte flags = header[1];
        if ((flags & 0x3c) != 0)
        {
            throw new KernelFormatException("Payload: XZ block header has reserved flags set.");
        }

        int hp = 2;
        if ((flags & 0x40) != 0)
        {
            ReadVarint(header, ref hp);
        }

        if ((flags & 0x80) != 0)
        {
            ReadVarint(header, ref hp);
        }

        bool x86 = false;
        byte[]? lzma2Properties = null;
        int filters = (flags & 3) + 1;
        for (int i = 0; i < filters; i++)
        {
            ulong id = ReadVarint(header, ref hp);
            ulong size = ReadVarint(header, ref hp);
            if (size > (ulong)(header.Length - 4 - hp))
            {
                throw new KernelFormatException("Payload: XZ filter properties run past the block header.");
            }

            var properties = header.Slice(hp, (int)size);
            hp += (int)size;
            bool last = i == filters - 1;
            if (id == FilterX86 && !last && (size == 0 || (size == 4 && BinaryPrimitives.ReadUInt32LittleEndian(properties) == 0)))
            {
                x86 = true;
            }
            else if (id == FilterLzma2 && last && size == 1)
            {
                lzma2Properties = properties.ToArray();
            }
            else
            {
                throw new KernelFormatException($"Payload: XZ filter 0x{id:x} (position {i} of {filters}) is not supported (only x86 BCJ + LZMA2).");
            }
        }

        if (lzma2Properties is null)
        {
            throw new KernelFormatException("Payload: XZ block has no LZMA2 filter.");
        }

        pos += headerSize;
        var (uncompressedSize, check) = ReadIndex(span);
        if (uncompressedSize > (ulong)output.Remaining)
        {
            throw new KernelFormatException($"Payload: XZ index declares 0x{uncompressedSize:x} bytes, over the output limit.");
        }

        int start = output.Length;
        // SharpCompress's LZMA2 decoder stops cleanly only when given the output size and no input size
        // (the check, index and footer follow the LZMA2 data).
        using (var input = new MemoryStream(payload[pos..].ToArray(), writable: false))
        using (var lzma2 = LzmaStream.Create(lzma2Properties, input, -1, (long)uncompressedSize, true))
        {
            output.ReadFrom(lzma2);
        }

        var data = output.WrittenSpan[start..];
        if ((ulong)data.Length != uncompressedSize)
        {
            throw new KernelFormatException($"Payload: XZ block decoded to 0x{data.Length:x} bytes, the index says 0x{uncompressedSize:x}.");
        }

        if (x86)
        {
            X86BranchConverter.Decode(data);
        }

        if (checkType == 1 && Crc32.Compute(data) != check)
        {
            throw new KernelFormatException("Payload: XZ block CRC32 check does not match the decoded data.");
        }
    }

    /// <summary>Finds the stream footer (the kernel appends 4 size bytes after it), the index and the block's check.</summary>
    private static (ulong UncompressedSize, uint Check) ReadIndex(ReadOnlySpan<byte> span)
    {
        foreach (int streamEnd in new[] { span.Length, span.Length - 4 })
        {
            if (streamEnd < 12 + 12 || span[streamEnd - 2] != (byte)'Y' || span[streamEnd - 1] != (byte)'Z')
            {
                continue;
            }

            var footer = span.Slice(streamEnd - 12, 12);
            if (Crc32.Compute(footer.Slice(4, 6)) != BinaryPrimitives.ReadUInt32LittleEndian(footer))
            {
                throw new KernelFormatException("Payload: XZ stream footer CRC mismatch.");
            }

            ulong indexSize = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(footer[4..]) + 1) * 4;
            if (indexSize > (ulong)(streamEnd - 12 - 12 - 4))
            {
                throw new KernelFormatException("Payload: XZ index size runs past the stream.");
            }

            int indexStart = streamEnd - 12 - (int)indexSize;
            var index = span.Slice(indexStart, (int)indexSize);
            if (index[0] != 0 || Crc32.Compute(index[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(index[^4..]))
            {
                throw new KernelFormatException("Payload: XZ index is corrupt.");
            }

            int ip = 1;
            if (ReadVarint(index, ref ip) != 1)
            {
                throw new KernelFormatException("Payload: XZ stream has more than one block (the kernel build makes one).");
            }

            ReadVarint(index, ref ip);
            ulong uncompressed = ReadVarint(index, ref ip);
            return (uncompressed, BinaryPrimitives.ReadUInt32LittleEndian(span[(indexStart - 4)..]));
        }

        throw new KernelFormatException("Payload: XZ stream footer not found (truncated stream).");
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> header, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            if (pos >= header.Length - 4)
            {
                throw new KernelFormatException("Payload: XZ block header varint runs past the header.");
            }

            byte b = header[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new KernelFormatException("Payload: XZ block header varint is too long.");
    }
}
