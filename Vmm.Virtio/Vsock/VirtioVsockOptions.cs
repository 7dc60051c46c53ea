namespace Vmm.Virtio.Vsock;

/// <summary>The configuration of a <see cref="VirtioVsock"/>.</summary>
public sealed class VirtioVsockOptions
{
    /// <summary>The guest's context ID: 3 to 2^32 − 2 (0–2 are reserved, 2^32 − 1 is VMADDR_CID_ANY).</summary>
    public required ulong GuestCid { get; init; }

    /// <summary>
    /// The host Unix socket the device listens on for host-initiated connections; guest-initiated connections to port P
    /// go to <c>&lt;path&gt;_P</c>. The path must not exist yet.
    /// </summary>
    public required string UnixSocketPath { get; init; }

    /// <summary>
    /// The receive buffer each connection advertises to the guest (buf_alloc), which is also the most guest data the
    /// device ever holds for one connection while the host peer is not reading: 4 KiB to 16 MiB, 256 KiB by default.
    /// </summary>
    public int ConnectionBufferSize { get; init; } = 256 * 1024;

    /// <summary>The most connections at once, host-initiated ones waiting for their CONNECT line included (1 to 65536, 256 by default).</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>
    /// How long a host client may take to send its CONNECT line, the guest to answer a connection request, and a closing
    /// connection to drain to the host before it is reset (2 s by default).
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}
