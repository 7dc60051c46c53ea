namespace Vmm.Virtio.Net;

/// <summary>Why <see cref="VirtioNet"/> dropped a frame (each reason has its own counter).</summary>
public enum VirtioNetDrop
{
    /// <summary>Transmit: the chain's readable part is shorter than the 12-byte header.</summary>
    TxHeaderShort,

    /// <summary>Transmit: a header and no frame.</summary>
    TxEmptyFrame,

    /// <summary>Transmit: the frame is longer than <see cref="VirtioNet.MaxFrameLength"/>.</summary>
    TxOversized,

    /// <summary>Transmit: the header asks for something not negotiated or undefined (flags, GSO type, checksum position).</summary>
    TxBadHeader,

    /// <summary>Transmit: the frame is scattered over more pieces than one writev takes (1024).</summary>
    TxTooManySegments,

    /// <summary>Transmit: a buffer lies outside guest memory.</summary>
    TxBadBuffer,

    /// <summary>Transmit: the tap refused the frame (malformed for the kernel: EINVAL).</summary>
    TxTapRejected,

    /// <summary>Transmit: the tap could not take the frame (down, gone, out of buffers).</summary>
    TxTapError,

    /// <summary>Transmit: a malformed descriptor chain (returned with length 0; kinds in the queue's error counters).</summary>
    TxBadChain,

    /// <summary>Receive: the frame was larger than the buffers posted for it.</summary>
    RxTruncated,

    /// <summary>Receive: a posted chain had no usable writable space (returned with length 0).</summary>
    RxBadBuffer,

    /// <summary>Receive: a malformed descriptor chain (returned with length 0).</summary>
    RxBadChain,

    /// <summary>Receive: reading the tap failed.</summary>
    RxTapError,
}
