namespace Vmm.Virtio.Vsock;

/// <summary>The flags of a <see cref="VsockOperation.Shutdown"/> packet (VIRTIO_VSOCK_SHUTDOWN_F_*).</summary>
[Flags]
public enum VsockShutdownFlags : uint
{
    /// <summary>No direction.</summary>
    None = 0,

    /// <summary>VIRTIO_VSOCK_SHUTDOWN_F_RECEIVE: the sender will receive no more data.</summary>
    Receive = 1,

    /// <summary>VIRTIO_VSOCK_SHUTDOWN_F_SEND: the sender will send no more data.</summary>
    Send = 2,

    /// <summary>Both directions.</summary>
    Both = Receive | Send,
}
