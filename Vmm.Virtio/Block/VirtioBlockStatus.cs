namespace Vmm.Virtio.Block;

/// <summary>The status byte a virtio-blk request completes with.</summary>
public enum VirtioBlockStatus : byte
{
    /// <summary>VIRTIO_BLK_S_OK.</summary>
    Ok = 0,

    /// <summary>VIRTIO_BLK_S_IOERR: malformed request, out of range, read-only, or an I/O failure.</summary>
    IoError = 1,

    /// <summary>VIRTIO_BLK_S_UNSUPP: unknown request type or unsupported flags.</summary>
    Unsupported = 2,
}
