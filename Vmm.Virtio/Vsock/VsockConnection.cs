using System.Net.Sockets;
using Vmm.Devices;

namespace Vmm.Virtio.Vsock;

/// <summary>
/// One guest stream and its host Unix socket: the state, the credit counters of both directions (VIRTIO 1.2 §5.10.6.3),
/// the bounded buffer of guest data the host socket has not taken yet, and the readiness bookkeeping. Touched only with
/// the device's queue lock held.
/// </summary>
/// <remarks>
/// Guest → host: the device advertises <see cref="BufferSize"/> as buf_alloc and <see cref="ForwardedToHost"/> as fwd_cnt,
/// so a guest that respects its credit never has more than <see cref="BufferSize"/> bytes in flight; what the socket does
/// not take at once waits in <see cref="Pending"/>, whose capacity is that same bound (a guest that sends beyond its
/// credit is reset). Host → guest: nothing is buffered; the device reads the socket straight into the guest's receive
/// buffers, never more than the guest's credit (its buf_alloc minus the bytes it has not consumed).
/// </remarks>
internal sealed class VsockConnection(Socket socket, uint bufferSize)
{
    /// <summary>The host end.</summary>
    public Socket Socket { get; } = socket;

    /// <summary>The buf_alloc the device advertises, and the bound on <see cref="Pending"/>.</summary>
    public uint BufferSize { get; } = bufferSize;

    /// <summary>Guest data accepted but not yet written to the host socket.</summary>
    public VsockByteRing Pending { get; } = new((int)bufferSize);

    /// <summary>The event-loop callback, created once per connection.</summary>
    public Action<DeviceEvents>? Callback { get; set; }

    /// <summary>The event-loop registration, or null while parked (the socket hung up and nothing is wanted from it).</summary>
    public IDeviceEventRegistration? Registration { get; set; }

    /// <summary>The events the registration asks for.</summary>
    public DeviceEvents Interest { get; set; }

    /// <summary>The state.</summary>
    public VsockConnectionState State { get; set; }

    /// <summary>The command parser while <see cref="VsockConnectionState.AwaitingCommand"/>.</summary>
    public VsockCommandParser Command;

    /// <summary>The host-side (CID 2) port.</summary>
    public uint HostPort { get; set; }

    /// <summary>The guest-side port.</summary>
    public uint GuestPort { get; set; }

    /// <summary>Guest → host payload bytes received from the guest (mod 2^32).</summary>
    public uint ReceivedFromGuest { get; set; }

    /// <summary>Guest → host payload bytes written to the host socket: the device's fwd_cnt (mod 2^32).</summary>
    public uint ForwardedToHost { get; set; }

    /// <summary>The fwd_cnt the guest last heard from the device.</summary>
    public uint AdvertisedForwardCount { get; set; }

    /// <summary>Host → guest payload bytes sent to the guest (mod 2^32).</summary>
    public uint SentToGuest { get; set; }

    /// <summary>The guest's buf_alloc, from its latest packet.</summary>
    public uint PeerBufferAllocation { get; set; }

    /// <summary>The guest's fwd_cnt, from its latest packet.</summary>
    public uint PeerForwardCount { get; set; }

    /// <summary>Whether the host socket may have data (set by a readiness event, cleared by a short or empty read).</summary>
    public bool HostReadable { get; set; }

    /// <summary>Whether the host socket reached end of file.</summary>
    public bool HostEof { get; set; }

    /// <summary>Whether the device shut down the host socket's sending side (after the guest's SHUTDOWN send).</summary>
    public bool HostWriteShut { get; set; }

    /// <summary>Whether the socket reported a hang-up or error (these are reported even when not asked for).</summary>
    public bool HangUpSeen { get; set; }

    /// <summary>The directions the guest has shut down.</summary>
    public VsockShutdownFlags GuestShutdown { get; set; }

    /// <summary>Control packets waiting for a receive buffer.</summary>
    public VsockControl Control { get; set; }

    /// <summary>When (Stopwatch ticks) the connection times out; 0 for never.</summary>
    public long Deadline { get; set; }

    /// <summary>Whether the connection was closed (its socket disposed).</summary>
    public bool Closed { get; set; }

    /// <summary>The position in the device's list of live connections.</summary>
    public int LiveIndex { get; set; }

    /// <summary>Whether the connection is in the receive work list.</summary>
    public bool Listed { get; set; }

    /// <summary>The previous connection in the receive work list.</summary>
    public VsockConnection? Previous { get; set; }

    /// <summary>The next connection in the receive work list.</summary>
    public VsockConnection? Next { get; set; }

    /// <summary>The key of the connection in the device's table: host port, guest port.</summary>
    public ulong Key => KeyOf(HostPort, GuestPort);

    /// <summary>How many more bytes the guest can take: its buf_alloc minus what it has not consumed (0 when its counters make no sense).</summary>
    public uint PeerCredit
    {
        get
        {
            uint inFlight = SentToGuest - PeerForwardCount;
            return inFlight >= PeerBufferAllocation ? 0 : PeerBufferAllocation - inFlight;
        }
    }

    /// <summary>How many more bytes the guest may send: the device's buffer minus the guest bytes not yet forwarded.</summary>
    public uint OwnCredit => BufferSize - (ReceivedFromGuest - ForwardedToHost);

    /// <summary>Whether the device should read the host socket for the guest now.</summary>
    public bool WantsHostData =>
        State == VsockConnectionState.Established && !HostEof && (GuestShutdown & VsockShutdownFlags.Receive) == 0 && PeerCredit > 0;

    /// <summary>Whether the connection has a packet for the guest's receive queue.</summary>
    public bool HasReceiveWork => Control != VsockControl.None || (HostReadable && WantsHostData);

    /// <summary>
    /// Whether the guest should hear the device's fwd_cnt: bytes were forwarded since it last heard, and the free buffer
    /// it believes in has fallen below half (so a guest out of credit always gets an update once the host reads).
    /// </summary>
    public bool NeedsCreditUpdate =>
        ForwardedToHost != AdvertisedForwardCount && (long)BufferSize - (ReceivedFromGuest - AdvertisedForwardCount) < BufferSize / 2;

    /// <summary>The events to wait for: the command line; host data the guest can take and the device has not seen; room to write pending guest data.</summary>
    public DeviceEvents WantedEvents
    {
        get
        {
            if (State == VsockConnectionState.AwaitingCommand)
            {
                return DeviceEvents.Readable;
            }

            var events = WantsHostData && !HostReadable ? DeviceEvents.Readable : DeviceEvents.None;
            return Pending.Count > 0 ? events | DeviceEvents.Writable : events;
        }
    }

    /// <summary>The table key of a (host port, guest port) pair.</summary>
    public static ulong KeyOf(uint hostPort, uint guestPort) => ((ulong)hostPort << 32) | guestPort;

    /// <summary>
    /// Writes to the host socket without blocking: the bytes taken (0 when the socket is full), or −1 when the socket
    /// failed (the peer is gone).
    /// </summary>
    public int SendToHost(ReadOnlySpan<byte> data)
    {
        int sent = Socket.Send(data, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => -1,
        };
    }
}
