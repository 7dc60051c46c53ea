namespace Vmm.Virtio.Vsock;

/// <summary>Where a host client's <c>CONNECT &lt;port&gt;\n</c> line stands after a byte.</summary>
internal enum VsockCommandStatus
{
    /// <summary>More bytes are needed.</summary>
    Incomplete,

    /// <summary>The line is complete and names a port.</summary>
    Complete,

    /// <summary>The line is not a CONNECT command: close the client.</summary>
    Invalid,
}
