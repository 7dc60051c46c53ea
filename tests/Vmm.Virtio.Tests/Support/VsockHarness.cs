using System.Net.Sockets;
using Vmm.Memory;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Vsock;

namespace Vmm.Virtio.Tests.Support;

/// <summary>
/// A <see cref="VirtioVsock"/> brought up through the MMIO transport with the Linux probe sequence, its listening socket
/// in a fresh temporary directory, driven by a <see cref="PollEventLoop"/> on the test thread. Plays the guest driver:
/// posts receive buffers (4 KiB of payload each, as Linux does), sends packets on the transmit queue, reads what the
/// device answered.
/// </summary>
public sealed class VsockHarness : IDisposable
{
    public const ulong GuestCid = 42;
    public const uint RxBufferSize = VsockHeader.Size + 4096;
    public const uint GuestBufferAllocation = 256 * 1024;
    private const ulong DataBase = 0x100000;
    private const int TxBufferSize = VsockHeader.Size + (64 * 1024);

    private readonly Dictionary<ushort, (GuestAddress Address, uint Size)> _rxInFlight = [];
    private readonly Stack<GuestAddress> _rxFree = new();
    private readonly GuestAddress _txBuffer;
    private ulong _nextData = DataBase;

    public VsockHarness(int bufferSize = 64 * 1024, TimeSpan? timeout = null, int maxConnections = 16, ushort rxQueueSize = 64)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("vmm-vsock-").FullName;
        SocketPath = Path.Combine(Directory, "v.sock");
        Memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 8 << 20)]);
        Device = new VirtioVsock(
            new VirtioVsockOptions { GuestCid = GuestCid, UnixSocketPath = SocketPath, ConnectionBufferSize = bufferSize, MaxConnections = maxConnections, Timeout = timeout ?? TimeSpan.FromSeconds(2) },
            Loop);
        Transport = new VirtioMmioTransport(Device, Memory, Interrupts);
        Driver = new SimulatedMmioDriver(Transport);
        Rx = new SimulatedDriverQueue(Memory, new GuestAddress(0x1000), rxQueueSize);
        Tx = new SimulatedDriverQueue(Memory, new GuestAddress(0x20000), 64);
        Events = new SimulatedDriverQueue(Memory, new GuestAddress(0x40000), 8);
        _txBuffer = Allocate(TxBufferSize);
        if (!Driver.Negotiate(ulong.MaxValue, out _) || !Driver.SetUpQueue(0, Rx) || !Driver.SetUpQueue(1, Tx) || !Driver.SetUpQueue(2, Events)
            || Driver.DriverOk() != (DeviceStatus)0xf)
        {
            throw new InvalidOperationException("bring-up failed");
        }
    }

    public string Directory { get; }

    public string SocketPath { get; }

    public GuestMemory Memory { get; }

    public PollEventLoop Loop { get; } = new();

    public VirtioVsock Device { get; }

    public VirtioMmioTransport Transport { get; }

    public SimulatedMmioDriver Driver { get; }

    public SimulatedDriverQueue Rx { get; }

    public SimulatedDriverQueue Tx { get; }

    public SimulatedDriverQueue Events { get; }

    public RecordingInterruptLine Interrupts { get; } = new();

    /// <summary>Receive buffers posted and not yet returned by the device.</summary>
    public int RxPosted => _rxInFlight.Count;

    public GuestAddress Allocate(uint length)
    {
        var address = new GuestAddress(_nextData);
        _nextData = (_nextData + length + 15) & ~15UL;
        return address;
    }

    /// <summary>
    /// Posts <paramref name="count"/> receive buffers and notifies the receive queue. With <paramref name="splitHeader"/>,
    /// each is two descriptors, the 44-byte header and then the payload buffer, as Linux 6.1 posts them.
    /// </summary>
    public void PostRx(int count, uint size = RxBufferSize, bool splitHeader = false)
    {
        for (int i = 0; i < count; i++)
        {
            var address = size == RxBufferSize && _rxFree.Count > 0 ? _rxFree.Pop() : Allocate(size);
            ushort head = splitHeader
                ? Rx.AddChain(new SimulatedBuffer(address, VsockHeader.Size, true), new SimulatedBuffer(address.Add(VsockHeader.Size), size - VsockHeader.Size, true))
                : Rx.AddChain(new SimulatedBuffer(address, size, true));
            _rxInFlight[head] = (address, size);
        }

        Driver.Notify(VirtioVsock.ReceiveQueue);
    }

    /// <summary>Takes what the device put on the receive queue; with <paramref name="repost"/>, gives each buffer back at once (a driver that keeps its queue full).</summary>
    public List<VsockPacket> TakeRx(bool repost = true)
    {
        var packets = new List<VsockPacket>();
        while (Rx.TryTakeUsed(out var used))
        {
            var (address, size) = _rxInFlight[(ushort)used.Id];
            _rxInFlight.Remove((ushort)used.Id);
            var header = Memory.Read<VsockHeader>(address);
            uint payloadLength = used.Length >= VsockHeader.Size ? Math.Min(header.Length, used.Length - VsockHeader.Size) : 0;
            packets.Add(new VsockPacket(header, Memory.Read(address.Add(VsockHeader.Size), payloadLength), used.Length));
            if (size == RxBufferSize)
            {
                _rxFree.Push(address);
            }
        }

        if (repost && packets.Count > 0)
        {
            PostRx(packets.Count);
        }

        return packets;
    }

    /// <summary>The used elements the device returned, raw (for chains the harness did not post itself).</summary>
    public List<UsedElement> TakeRxRaw()
    {
        var used = new List<UsedElement>();
        while (Rx.TryTakeUsed(out var element))
        {
            _rxInFlight.Remove((ushort)element.Id);
            used.Add(element);
        }

        return used;
    }

    /// <summary>A header from the guest to the host, with the guest's credit.</summary>
    public static VsockHeader Header(VsockOperation operation, uint guestPort, uint hostPort, uint length = 0, uint flags = 0, uint bufferAllocation = GuestBufferAllocation, uint forwardCount = 0) => new()
    {
        SourceCid = GuestCid,
        DestinationCid = VirtioVsock.HostCid,
        SourcePort = guestPort,
        DestinationPort = hostPort,
        Length = length,
        Type = VsockHeader.TypeStream,
        Operation = operation,
        Flags = flags,
        BufferAllocation = bufferAllocation,
        ForwardCount = forwardCount,
    };

    /// <summary>Sends a packet on the transmit queue (header and payload in separate descriptors when <paramref name="split"/>, as older Linux does) and waits for the device to complete it.</summary>
    public void Send(VsockHeader header, ReadOnlySpan<byte> payload = default, bool split = true)
    {
        Memory.Write(_txBuffer, header);
        Memory.Write(_txBuffer.Add(VsockHeader.Size), payload);
        if (split && !payload.IsEmpty)
        {
            Tx.AddChain(new SimulatedBuffer(_txBuffer, VsockHeader.Size, false), new SimulatedBuffer(_txBuffer.Add(VsockHeader.Size), (uint)payload.Length, false));
        }
        else
        {
            Tx.AddChain(new SimulatedBuffer(_txBuffer, VsockHeader.Size + (uint)payload.Length, false));
        }

        Driver.Notify(VirtioVsock.TransmitQueue);
        if (!Tx.TryTakeUsed(out _))
        {
            throw new InvalidOperationException("the device did not complete the transmit chain");
        }
    }

    /// <summary>A host server listening on <c>&lt;path&gt;_<paramref name="port"/></c>.</summary>
    public Socket ListenOnHostPort(uint port)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint($"{SocketPath}_{port}"));
        listener.Listen(16);
        return listener;
    }

    /// <summary>The guest connects to <paramref name="hostPort"/>; returns the host server's end once the device answered RESPONSE.</summary>
    public Socket AcceptGuestConnection(Socket listener, uint guestPort, uint hostPort, uint bufferAllocation = GuestBufferAllocation)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Send(Header(VsockOperation.Request, guestPort, hostPort, bufferAllocation: bufferAllocation));
        var packets = PumpRx();
        if (packets.Count != 1 || packets[0].Operation != VsockOperation.Response)
        {
            throw new InvalidOperationException($"expected one RESPONSE, got {string.Join(", ", packets)}");
        }

        var server = listener.Accept();
        server.ReceiveTimeout = 5000;
        return server;
    }

    /// <summary>A host client connected to the device's socket (blocking, with a receive timeout).</summary>
    public Socket ConnectHostClient()
    {
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 5000, SendTimeout = 5000 };
        client.Connect(new UnixDomainSocketEndPoint(SocketPath));
        return client;
    }

    /// <summary>Runs the loop until the device put at least <paramref name="count"/> packets on the receive queue (or the time is up); returns what arrived.</summary>
    public List<VsockPacket> PumpRx(int count = 1, int timeoutMilliseconds = 5000, bool repost = true)
    {
        var packets = new List<VsockPacket>(TakeRx(repost));
        Loop.RunUntil(
            () =>
            {
                packets.AddRange(TakeRx(repost));
                return packets.Count >= count;
            },
            timeoutMilliseconds);
        return packets;
    }

    public void Dispose()
    {
        Device.Dispose();
        Memory.DisposeRegions();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
