namespace Vmm.Virtio.Block;

/// <summary>virtio-blk feature bits as masks.</summary>
public static class VirtioBlockFeatures
{
    /// <summary>VIRTIO_BLK_F_SIZE_MAX: size_max is the largest segment.</summary>
    public const ulong SizeMax = 1UL << 1;

    /// <summary>VIRTIO_BLK_F_SEG_MAX: seg_max is the most data segments per request.</summary>
    public const ulong SegMax = 1UL << 2;

    /// <summary>VIRTIO_BLK_F_RO: the device is read-only.</summary>
    public const ulong ReadOnly = 1UL << 5;

    /// <summary>VIRTIO_BLK_F_BLK_SIZE: blk_size is the logical block size.</summary>
    public const ulong BlockSize = 1UL << 6;

    /// <summary>VIRTIO_BLK_F_FLUSH: FLUSH requests (a write-back cache).</summary>
    public const ulong Flush = 1UL << 9;

    /// <summary>VIRTIO_BLK_F_DISCARD: DISCARD requests.</summary>
    public const ulong Discard = 1UL << 13;

    /// <summary>VIRTIO_BLK_F_WRITE_ZEROES: WRITE_ZEROES requests.</summary>
    public const ulong WriteZeroes = 1UL << 14;
}
