using System.Numerics;

namespace Vmm.Virtio;

/// <summary>
/// The layout of a split virtqueue's rings in guest memory (VIRTIO 1.2 §2.7.6, §2.7.8): both rings start with a 16-bit
/// flags field and a 16-bit index, then one entry per slot, then the 16-bit event field of the other side.
/// </summary>
public static class SplitRing
{
    /// <summary>The offset of the flags field in either ring.</summary>
    public const ulong FlagsOffset = 0;

    /// <summary>The offset of the index field (avail->idx, used->idx) in either ring.</summary>
    public const ulong IndexOffset = 2;

    /// <summary>The offset of the first ring entry in either ring.</summary>
    public const ulong EntriesOffset = 4;

    /// <summary>The size of an available-ring entry (a descriptor head index).</summary>
    public const int AvailEntrySize = sizeof(ushort);

    /// <summary>The size of the trailing event field (used_event, avail_event).</summary>
    public const int EventFieldSize = sizeof(ushort);

    /// <summary>Whether <paramref name="size"/> is a valid queue size: a power of two, at least 1 and at most <paramref name="maxSize"/> (itself at most 32768).</summary>
    public static bool IsValidQueueSize(uint size, uint maxSize = SplitQueue.MaxQueueSize) =>
        size != 0 && size <= maxSize && size <= SplitQueue.MaxQueueSize && BitOperations.IsPow2(size);

    /// <summary>The offset of available-ring slot <paramref name="slot"/>.</summary>
    public static ulong AvailEntryOffset(uint slot) => EntriesOffset + ((ulong)AvailEntrySize * slot);

    /// <summary>The offset of used_event, after the <paramref name="size"/> entries of the available ring.</summary>
    public static ulong UsedEventOffset(ushort size) => AvailEntryOffset(size);

    /// <summary>The offset of used-ring slot <paramref name="slot"/>.</summary>
    public static ulong UsedEntryOffset(uint slot) => EntriesOffset + ((ulong)UsedElement.Size * slot);

    /// <summary>The offset of avail_event, after the <paramref name="size"/> entries of the used ring.</summary>
    public static ulong AvailEventOffset(ushort size) => UsedEntryOffset(size);

    /// <summary>The bytes of an available ring of <paramref name="size"/> entries, used_event included.</summary>
    public static ulong AvailRingBytes(ushort size) => UsedEventOffset(size) + EventFieldSize;

    /// <summary>The bytes of a used ring of <paramref name="size"/> entries, avail_event included.</summary>
    public static ulong UsedRingBytes(ushort size) => AvailEventOffset(size) + EventFieldSize;
}
