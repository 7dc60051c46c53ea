using System.Buffers.Binary;

namespace Vmm.Virtio.Balloon;

/// <summary>
/// Parses the statistics buffer of the stats queue: packed struct virtio_balloon_stat entries (le16 tag, le64 value,
/// 10 bytes each). Known tags are kept (the last entry wins for a repeated tag); unknown tags are skipped, as the
/// specification asks; a trailing partial entry is ignored.
/// </summary>
internal static class BalloonStatsParser
{
    /// <summary>The size of one entry.</summary>
    public const int EntrySize = 10;

    /// <summary>The number of known tags (<see cref="VirtioBalloonStatTag"/> values 0 to TagCount − 1).</summary>
    public const int TagCount = 16;

    /// <summary>Parses <paramref name="bytes"/> into <paramref name="values"/> (indexed by tag, at least <see cref="TagCount"/> long) and the bit mask of tags present.</summary>
    /// <returns>The number of whole entries read.</returns>
    public static int Parse(ReadOnlySpan<byte> bytes, Span<ulong> values, out uint presentTags, out int unknownTags)
    {
        presentTags = 0;
        unknownTags = 0;
        int entries = bytes.Length / EntrySize;
        for (int i = 0; i < entries; i++)
        {
            var entry = bytes.Slice(i * EntrySize, EntrySize);
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(entry);
            if (tag >= TagCount)
            {
                unknownTags++;
                continue;
            }

            values[tag] = BinaryPrimitives.ReadUInt64LittleEndian(entry[2..]);
            presentTags |= 1u << tag;
        }

        return entries;
    }
}
