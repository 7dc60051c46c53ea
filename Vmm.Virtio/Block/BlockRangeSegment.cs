using System.Runtime.InteropServices;

namespace Vmm.Virtio.Block;

/// <summary>struct virtio_blk_discard_write_zeroes (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct BlockRangeSegment
{
    public const uint UnmapFlag = 1;

    public readonly ulong Sector;
    public readonly uint SectorCount;
    public readonly uint Flags;
}
