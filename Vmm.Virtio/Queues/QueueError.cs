namespace Vmm.Virtio;

/// <summary>
/// Why a virtqueue operation failed. Chain errors (the guest described a malformed chain) consume the chain
/// and leave the queue usable; errors for which <see cref="QueueErrorExtensions.IsFatal"/> is true break the queue
/// until the device is reset.
/// </summary>
public enum QueueError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The queue is not ready (not configured by the driver, or reset).</summary>
    QueueNotReady,

    /// <summary>Configuration: the size is zero, not a power of two, or above the maximum.</summary>
    InvalidSize,

    /// <summary>Configuration: the descriptor table is not 16-byte aligned.</summary>
    MisalignedDescriptorTable,

    /// <summary>Configuration: the available ring is not 2-byte aligned.</summary>
    MisalignedAvailRing,

    /// <summary>Configuration: the used ring is not 4-byte aligned.</summary>
    MisalignedUsedRing,

    /// <summary>Configuration: the descriptor table does not lie in guest memory.</summary>
    DescriptorTableOutOfMemory,

    /// <summary>Configuration: the available ring does not lie in guest memory.</summary>
    AvailRingOutOfMemory,

    /// <summary>Configuration: the used ring does not lie in guest memory.</summary>
    UsedRingOutOfMemory,

    /// <summary>Fatal: the driver published more new entries than the queue holds (avail idx − next avail &gt; size).</summary>
    AvailIndexOutOfRange,

    /// <summary>Fatal: the available ring could not be read.</summary>
    AvailRingUnreadable,

    /// <summary>Fatal: the used ring could not be written.</summary>
    UsedRingUnwritable,

    /// <summary>Chain: the head index from the available ring is not below the queue size.</summary>
    HeadIndexOutOfRange,

    /// <summary>Chain: a <c>next</c> index is not below the size of its table.</summary>
    NextIndexOutOfRange,

    /// <summary>Chain: more descriptors than the queue size (direct) or the table length (indirect): a loop or an over-long chain.</summary>
    ChainTooLong,

    /// <summary>Chain: a descriptor could not be read from the descriptor table.</summary>
    DescriptorUnreadable,

    /// <summary>Chain: an indirect descriptor although VIRTIO_F_INDIRECT_DESC was not negotiated.</summary>
    IndirectNotNegotiated,

    /// <summary>Chain: an indirect table length that is zero, not a multiple of 16 or above <see cref="SplitQueue.MaxIndirectDescriptors"/> entries.</summary>
    IndirectTableLengthInvalid,

    /// <summary>Chain: the indirect table does not lie in guest memory.</summary>
    IndirectTableUnreadable,

    /// <summary>Chain: an indirect descriptor inside an indirect table.</summary>
    NestedIndirect,

    /// <summary>Chain: a descriptor with both INDIRECT and NEXT.</summary>
    IndirectWithNext,

    /// <summary>Chain: the buffers add up to more than 2^32 − 1 bytes.</summary>
    ChainLengthOverflow,

    /// <summary>Chain: a device-readable descriptor after a device-writable one.</summary>
    ReadableAfterWritable,

    /// <summary>Access: a buffer of a chain does not lie in guest memory (found when the device touched it).</summary>
    BufferOutOfMemory,
}
