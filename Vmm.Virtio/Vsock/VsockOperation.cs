namespace Vmm.Virtio.Vsock;

/// <summary>The op field of <see cref="VsockHeader"/> (VIRTIO_VSOCK_OP_*).</summary>
public enum VsockOperation : ushort
{
    /// <summary>VIRTIO_VSOCK_OP_INVALID: never valid on the wire.</summary>
    Invalid = 0,

    /// <summary>VIRTIO_VSOCK_OP_REQUEST: open a connection.</summary>
    Request = 1,

    /// <summary>VIRTIO_VSOCK_OP_RESPONSE: accept a connection.</summary>
    Response = 2,

    /// <summary>VIRTIO_VSOCK_OP_RST: refuse or abort a connection.</summary>
    Reset = 3,

    /// <summary>VIRTIO_VSOCK_OP_SHUTDOWN: stop receiving and/or sending (<see cref="VsockShutdownFlags"/>).</summary>
    Shutdown = 4,

    /// <summary>VIRTIO_VSOCK_OP_RW: stream data.</summary>
    ReadWrite = 5,

    /// <summary>VIRTIO_VSOCK_OP_CREDIT_UPDATE: the sender's buf_alloc/fwd_cnt changed.</summary>
    CreditUpdate = 6,

    /// <summary>VIRTIO_VSOCK_OP_CREDIT_REQUEST: asks the peer for a credit update.</summary>
    CreditRequest = 7,
}
