namespace Vmm.Loader;

/// <summary>
/// The decoder of XZ's x86 branch/call/jump (BCJ) filter: turns the absolute CALL/JMP targets the
/// encoder stored back into relative ones. It is a reversible byte transform, not a decompressor;
/// SharpCompress's own x86 filter mis-converts instructions that straddle its read boundaries, so
/// the XZ path runs LZMA2 in SharpCompress and this transform over the whole output at once.
/// </summary>
internal static class X86BranchConverter
{
    private static readonly bool[] MaskToAllowed = [true, true, true, false, true, false, false, false];
    private static readonly int[] MaskToBitNumber = [0, 1, 2, 2, 3, 3, 3, 3];

    public static void Decode(Span<byte> buffer, uint startOffset = 0)
    {
        if (buffer.Length < 5)
        {
            return;
        }

        uint prevMask = 0;
        uint prevPos = startOffset - 5;
        int limit = buffer.Length - 5;
        int pos = 0;
        while (pos <= limit)
        {
            byte b = buffer[pos];
            if (b != 0xe8 && b != 0xe9)
            {
                pos++;
                continue;
            }

            uint now = startOffset + (uint)pos;
            uint offset = now - prevPos;
            prevPos = now;
            if (offset > 5)
            {
                prevMask = 0;
            }
            else
            {
                for (uint i = 0; i < offset; i++)
                {
                    prevMask &= 0x77;
                    prevMask <<= 1;
                }
            }

            b = buffer[pos + 4];
            if (IsMsByte(b) && MaskToAllowed[(prevMask >> 1) & 7] && (prevMask >> 1) < 0x10)
            {
                uint src = ((uint)b << 24) | ((uint)buffer[pos + 3] << 16) | ((uint)buffer[pos + 2] << 8) | buffer[pos + 1];
                uint dest;
                while (true)
                {
                    dest = src - (now + 5);
                    if (prevMask == 0)
                    {
                        break;
                    }

                    int index = MaskToBitNumber[prevMask >> 1];
                    b = (byte)(dest >> (24 - (index * 8)));
                    if (!IsMsByte(b))
                    {
                        break;
                    }

                    src = dest ^ ((1u << (32 - (index * 8))) - 1);
                }

                buffer[pos + 4] = (byte)~(((dest >> 24) & 1) - 1);
                buffer[pos + 3] = (byte)(dest >> 16);
                buffer[pos + 2] = (byte)(dest >> 8);
                buffer[pos + 1] = (byte)dest;
                pos += 5;
                prevMask = 0;
            }
            else
            {
                pos++;
                prevMask |= 1;
                if (IsMsByte(b))
                {
                    prevMask |= 0x10;
                }
            }
        }
    }

    private static bool IsMsByte(byte b) => b is 0 or 0xff;
}
