namespace Vmm.Virtio.Vsock;

/// <summary>The control packets a connection has waiting for a receive buffer (at most one of each, so they never pile up).</summary>
[Flags]
internal enum VsockControl
{
    /// <summary>Nothing waiting.</summary>
    None = 0,

    /// <summary>REQUEST: a host client asked for the guest port.</summary>
    Request = 1,

    /// <summary>RESPONSE: the device accepted the guest's REQUEST.</summary>
    Response = 2,

    /// <summary>CREDIT_UPDATE: the guest asked for one, or its view of the device's free buffer fell low.</summary>
    CreditUpdate = 4,

    /// <summary>SHUTDOWN (send): the host socket reached end of file.</summary>
    Shutdown = 8,
}
