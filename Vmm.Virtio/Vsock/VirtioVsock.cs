using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;
using Vmm.Devices;

namespace Vmm.Virtio.Vsock;

/// <summary>
/// virtio-vsock (device type 19) in Firecracker's hybrid model: guest AF_VSOCK streams meet host Unix sockets. A host
/// client connects to <see cref="VirtioVsockOptions.UnixSocketPath"/> and sends <c>CONNECT &lt;port&gt;\n</c>; the device
/// asks the guest for that port and answers <c>OK &lt;host port&gt;\n</c> once the guest accepts. A guest connection to
/// host port P is carried to the Unix socket <c>&lt;path&gt;_P</c>. Queues: receive 0, transmit 1, event 2; the
/// configuration space is the guest CID (le64).
/// </summary>
/// <remarks>
/// <para>The guest is an attacker: every header field is checked and any protocol violation (unknown operation, wrong
/// type or CIDs, a length the buffers do not hold, data beyond the credit the device advertised, a packet for an unknown
/// connection or out of its state) answers RST and closes the connection. Credit flow control (VIRTIO 1.2 §5.10.6.3)
/// bounds what the device holds for a connection to <see cref="VirtioVsockOptions.ConnectionBufferSize"/> bytes of guest
/// data; host data is read straight into the guest's receive buffers, and only while the guest has credit and buffers.
/// Control packets wait as flags on their connection (or, for resets of unknown connections, in a queue of fixed length
/// whose overflow is dropped and counted), so nothing piles up while the guest posts no receive buffers.</para>
/// <para>Host sockets are non-blocking and watched through the <see cref="IDeviceEventLoop"/> given at construction,
/// asking for readable only while the guest can take data and for writable only while guest data waits. Callbacks take
/// <see cref="VirtioDevice.QueueLock"/>; no socket call ever blocks, whichever thread processes a queue.</para>
/// </remarks>
public sealed partial class VirtioVsock : VirtioDevice, IDeviceCounters, IDisposable
{
    /// <summary>The receive queue (device → guest packets).</summary>
    public const int ReceiveQueue = 0;

    /// <summary>The transmit queue (guest → device packets).</summary>
    public const int TransmitQueue = 1;

    /// <summary>The event queue.</summary>
    public const int EventQueue = 2;

    /// <summary>The host's context ID (VMADDR_CID_HOST).</summary>
    public const ulong HostCid = 2;

    /// <summary>VIRTIO_VSOCK_EVENT_TRANSPORT_RESET, the id of the event <see cref="SendTransportReset"/> posts.</summary>
    public const uint EventTransportReset = 0;

    /// <summary>The most payload the device puts in one receive packet (VIRTIO_VSOCK_MAX_PKT_BUF_SIZE).</summary>
    public const int MaxPacketPayload = 64 * 1024;

    /// <summary>The most resets of unknown connections waiting for receive buffers; more are dropped and counted.</summary>
    public const int MaxPendingResets = 256;

    private const uint FirstHostPort = 1u << 30;
    private const ushort MaxQueueSize = 256;

    private readonly IDeviceEventLoop _events;
    private readonly Socket _listener;
    private readonly string _path;
    private readonly ulong _guestCid;
    private readonly uint _bufferSize;
    private readonly int _maxConnections;
    private readonly long _timeoutTicks;
    private readonly Dictionary<ulong, VsockConnection> _connections = [];
    private readonly List<VsockConnection> _live = [];
    private readonly VsockConnectionList _receiveWork = new();
    private readonly Queue<ulong> _resets = new(MaxPendingResets);
    private readonly IDeviceTimer _timer;
    private readonly Action<DeviceEvents> _onListener;
    private IDeviceEventRegistration? _listenerRegistration;
    private DescriptorChain _heldChain;
    private bool _holdingChain;
    private bool _rejectChain;
    private bool _resetEventPending;
    private long _timerDue;
    private uint _nextHostPort = FirstHostPort;
    private bool _disposed;

    private long _txPackets;
    private long _txBytes;
    private long _rxPackets;
    private long _rxBytes;
    private long _guestConnects;
    private long _hostConnects;
    private long _connectFailures;
    private long _rejected;
    private long _protocolErrors;
    private long _malformedChains;
    private long _resetsSent;
    private long _droppedResets;
    private long _timeouts;

    /// <summary>
    /// Creates the device and binds its listening socket at <see cref="VirtioVsockOptions.UnixSocketPath"/> (the socket is
    /// watched only while the driver has the device activated; clients connecting earlier wait in the backlog).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A reserved or out-of-range CID, buffer size, connection limit or timeout.</exception>
    /// <exception cref="ArgumentException">The socket path is empty or too long for a Unix socket address (with the <c>_port</c> suffix).</exception>
    /// <exception cref="SocketException">The socket could not be bound: <see cref="SocketError.AddressAlreadyInUse"/> when the path exists.</exception>
    public VirtioVsock(VirtioVsockOptions options, IDeviceEventLoop events)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        if (!IsValidGuestCid(options.GuestCid))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.GuestCid, "The guest CID must be between 3 and 4294967294 (0, 1 and 2 are reserved).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConnectionBufferSize, 4096, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ConnectionBufferSize, 16 << 20, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxConnections, 65536, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.UnixSocketPath, nameof(options));
        if (!FitsUnixSocketAddress(options.UnixSocketPath))
        {
            throw new ArgumentException($"The socket path '{options.UnixSocketPath}' is too long for a Unix socket address once '_<port>' is appended (at most {MaxUnixPathBytes - 11} bytes).", nameof(options));
        }

        _events = events;
        _path = options.UnixSocketPath;
        _guestCid = options.GuestCid;
        _bufferSize = (uint)options.ConnectionBufferSize;
        _maxConnections = options.MaxConnections;
        _timeoutTicks = (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        _onListener = OnListenerEvent;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(_path));
            _listener.Listen(64);
            _listener.Blocking = false;
            _timer = events.CreateTimer(OnTimer);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    /// <summary>The guest's context ID.</summary>
    public ulong GuestCid => _guestCid;

    /// <summary>The path of the listening Unix socket.</summary>
    public string UnixSocketPath => _path;

    /// <summary>The live connections (host clients still sending their CONNECT line included).</summary>
    public int ConnectionCount
    {
        get
        {
            lock (QueueLock)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>The guest data held for host sockets that have not taken it yet, over all connections.</summary>
    public long BufferedBytes
    {
        get
        {
            lock (QueueLock)
            {
                long total = 0;
                foreach (var connection in _live)
                {
                    total += connection.Pending.Count;
                }

                return total;
            }
        }
    }

    /// <summary>The most guest data held for one connection at this moment (never above <see cref="VirtioVsockOptions.ConnectionBufferSize"/>).</summary>
    public int LargestConnectionBuffer
    {
        get
        {
            lock (QueueLock)
            {
                int largest = 0;
                foreach (var connection in _live)
                {
                    largest = Math.Max(largest, connection.Pending.Count);
                }

                return largest;
            }
        }
    }

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Socket;

    /// <inheritdoc/>
    public override int QueueCount => 3;

    /// <inheritdoc/>
    public override int ConfigSize => sizeof(ulong);

    /// <inheritdoc/>
    protected override ulong DeviceFeatures => 0;

    private const int MaxUnixPathBytes = 107;

    /// <summary>Whether <paramref name="cid"/> can be a guest's context ID: 3 to 2^32 − 2 (0 hypervisor, 1 local and 2 host are reserved; 2^32 − 1 is VMADDR_CID_ANY).</summary>
    public static bool IsValidGuestCid(ulong cid) => cid is > HostCid and < uint.MaxValue;

    /// <inheritdoc/>
    public override ushort GetQueueMaxSize(int queueIndex) => MaxQueueSize;

    /// <inheritdoc/>
    public override void ReadConfig(int offset, Span<byte> data)
    {
        Span<byte> config = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(config, _guestCid);
        config.Slice(offset, data.Length).CopyTo(data);
    }

    /// <summary>
    /// Posts VIRTIO_VSOCK_EVENT_TRANSPORT_RESET on the event queue (after a restore, when the host side of every
    /// connection is gone): closes every host connection without RSTs (the guest resets its sockets on the event) and
    /// drops the control packets waiting. The event waits for an event buffer if the guest has none posted. Nothing
    /// happens while the device is not activated.
    /// </summary>
    public void SendTransportReset()
    {
        lock (QueueLock)
        {
            if (!IsActivated)
            {
                return;
            }

            CloseAll();
            _resetEventPending = true;
            ServiceEvents();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<DeviceCounter> ReadCounters()
    {
        lock (QueueLock)
        {
            long buffered = 0;
            foreach (var connection in _live)
            {
                buffered += connection.Pending.Count;
            }

            return
            [
                new("tx-packets", _txPackets),
                new("tx-bytes", _txBytes),
                new("rx-packets", _rxPackets),
                new("rx-bytes", _rxBytes),
                new("connections", _live.Count),
                new("guest-connects", _guestConnects),
                new("host-connects", _hostConnects),
                new("connect-failures", _connectFailures),
                new("rejected-connections", _rejected),
                new("protocol-errors", _protocolErrors),
                new("malformed-chains", _malformedChains),
                new("resets-sent", _resetsSent),
                new("dropped-resets", _droppedResets),
                new("timeouts", _timeouts),
                new("buffered-bytes", buffered),
            ];
        }
    }

    /// <summary>Closes every connection and the listening socket, and removes the socket file.</summary>
    public void Dispose()
    {
        lock (QueueLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseAll();
            _listenerRegistration?.Dispose();
            _listenerRegistration = null;
        }

        _timer.Dispose();
        _listener.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <inheritdoc/>
    protected internal override void ProcessQueue(int queueIndex)
    {
        switch (queueIndex)
        {
            case ReceiveQueue:
                ServiceReceive();
                break;
            case TransmitQueue:
                ProcessChains(TransmitQueue);
                ServiceReceive();
                break;
            case EventQueue:
                ServiceEvents();
                break;
        }
    }

    /// <inheritdoc/>
    protected override bool OnActivate(VirtioDeviceContext context)
    {
        if (_disposed)
        {
            return false;
        }

        _listenerRegistration = _events.Watch(_listener.SafeHandle, DeviceEvents.Readable, _onListener);
        return true;
    }

    /// <inheritdoc/>
    protected override void OnReset()
    {
        CloseAll();
        _listenerRegistration?.Dispose();
        _listenerRegistration = null;
        _resetEventPending = false;
        _holdingChain = false;
        _heldChain = default;
    }

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        HandleTransmit(chain);
        return 0;
    }

    private static bool FitsUnixSocketAddress(string path) =>
        System.Text.Encoding.UTF8.GetByteCount(path) + "_4294967295".Length <= MaxUnixPathBytes;

    private static ulong PackPorts(uint hostPort, uint guestPort) => VsockConnection.KeyOf(hostPort, guestPort);
}
