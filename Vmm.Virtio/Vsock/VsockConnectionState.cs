namespace Vmm.Virtio.Vsock;

/// <summary>Where a <see cref="VsockConnection"/> stands in its life.</summary>
internal enum VsockConnectionState
{
    /// <summary>A host client connected to the device's socket; its <c>CONNECT &lt;port&gt;</c> line has not arrived yet. No guest ports yet.</summary>
    AwaitingCommand,

    /// <summary>Host-initiated: a REQUEST is queued for or sent to the guest; waiting for its RESPONSE (or RST).</summary>
    Connecting,

    /// <summary>Both ends connected: data flows both ways, subject to credit and to each side's shutdowns.</summary>
    Established,
}
