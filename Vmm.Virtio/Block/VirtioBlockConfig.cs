using System.Runtime.InteropServices;

namespace Vmm.Virtio.Block;

/// <summary>
/// struct virtio_blk_config (VIRTIO 1.2 §5.2.4) up to write_zeroes_may_unmap, padded to 60 bytes: the device
/// configuration space as the driver reads it (little-endian, as on every host this package supports).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct VirtioBlockConfig
{
    public ulong Capacity;
    public uint SizeMax;
    public uint SegMax;
    public ushort GeometryCylinders;
    public byte GeometryHeads;
    public byte GeometrySectors;
    public uint BlockSize;
    public byte PhysicalBlockExponent;
    public byte AlignmentOffset;
    public ushort MinIoSize;
    public uint OptimalIoSize;
    public byte Writeback;
    public byte Unused0;
    public ushort NumQueues;
    public uint MaxDiscardSectors;
    public uint MaxDiscardSegments;
    public uint DiscardSectorAlignment;
    public uint MaxWriteZeroesSectors;
    public uint MaxWriteZeroesSegments;
    public byte WriteZeroesMayUnmap;
    public byte Unused1A;
    public byte Unused1B;
    public byte Unused1C;
}
