namespace Vmm.Virtio.Block;

/// <summary>virtio-blk request types (VIRTIO 1.2 §5.2.6).</summary>
public enum VirtioBlockRequestType : uint
{
    /// <summary>VIRTIO_BLK_T_IN: read sectors.</summary>
    In = 0,

    /// <summary>VIRTIO_BLK_T_OUT: write sectors.</summary>
    Out = 1,

    /// <summary>VIRTIO_BLK_T_FLUSH: make written data durable.</summary>
    Flush = 4,

    /// <summary>VIRTIO_BLK_T_GET_ID: the 20-byte device ID string.</summary>
    GetId = 8,

    /// <summary>VIRTIO_BLK_T_DISCARD: the ranges' contents may be dropped.</summary>
    Discard = 11,

    /// <summary>VIRTIO_BLK_T_WRITE_ZEROES: the ranges read as zeroes afterwards.</summary>
    WriteZeroes = 13,
}
