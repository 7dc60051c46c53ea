using System.Net.Sockets;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Vmm.Virtio.Tests.Support;
using Vmm.Virtio.Vsock;

namespace Vmm.Virtio.Tests.Vsock;

/// <summary>Properties of the vsock connection state machine, the CONNECT line parser and the per-connection buffer.</summary>
public sealed class VsockPropertyTests
{
    private const uint ServicePort = 5000;
    private const uint DeadPort = 5001;
    private static readonly uint[] GuestPorts = [1, 2, 3, 4, 5];

    /// <summary>
    /// A guest and host peers doing random things — well-formed packets, hostile ones, host clients with good and bad
    /// CONNECT lines, host writes, reads, half-closes and closes, receive buffers posted or not, transport resets — in a
    /// random order. The device never throws, never holds more than its bound for a connection, never exceeds its
    /// connection limit, answers only with well-formed packets that respect the guest's credit, and the event loop
    /// goes quiet once the guest stops posting buffers.
    /// </summary>
    [Property(MaxTest = 120, EndSize = 400)]
    public void Device_RandomPacketAndSocketSequences_InvariantsHold(byte[] script)
    {
        const int bound = 8192;
        const int maxConnections = 6;
        using var h = new VsockHarness(bufferSize: bound, timeout: TimeSpan.FromMilliseconds(50), maxConnections: maxConnections);
        using var listener = h.ListenOnHostPort(ServicePort);
        listener.Blocking = false;
        var model = new GuestModel();
        var sockets = new List<Socket>();
        try
        {
            var source = new ByteSource(script);
            while (!source.IsEmpty)
            {
                Check(h, model, bound, maxConnections);
                AcceptPending(listener, sockets);
                if (source.Next() % 3 != 0 && h.RxPosted < 8)
                {
                    // Most of the time the guest keeps a few receive buffers posted; sometimes it lets them run out.
                    h.PostRx(8 - h.RxPosted);
                }

                byte action = source.Next();
                if (model.OpenCount < 2 && (action & 0x80) != 0)
                {
                    // Keep connections coming: without them most packets would just meet "unknown connection".
                    action = 0;
                }

                var (hostPort, guestPort) = model.PickConnection(ref source, ServicePort, GuestPorts);
                switch (action % 16)
                {
                    case 0:
                    case 1:
                    {
                        uint port = source.Next() % 4 == 0 ? DeadPort : ServicePort;
                        if (source.Next() % 8 != 0)
                        {
                            // Mostly a fresh port pair; sometimes one in use (a duplicate request must reset it).
                            guestPort = model.UnusedGuestPort(port, GuestPorts, ref source);
                        }

                        model.Request(guestPort, port);
                        h.Send(model.Header(VsockOperation.Request, guestPort, port));
                        break;
                    }

                    case 2:
                    case 3:
                    case 4:
                    {
                        uint length = (source.Next() % 8) switch { 0 => 0u, 1 => 1u, 2 => 100u, 3 => 1000u, 4 or 5 => 4096u, 6 => 3000u, _ => 9000u };
                        h.Send(model.Header(VsockOperation.ReadWrite, guestPort, hostPort, length), new byte[length], split: (source.Next() & 1) == 0);
                        break;
                    }

                    case 5:
                        if (model.TryPickHostRequest(ref source, out var key))
                        {
                            h.Send(model.Header(VsockOperation.Response, key.GuestPort, key.HostPort));
                        }

                        break;
                    case 6:
                        h.Send(model.Header(VsockOperation.Shutdown, guestPort, hostPort, flags: source.Next() % 5 == 0 ? source.Next() % 8u : source.Next() % 4u));
                        break;
                    case 7:
                        h.Send(model.Header(VsockOperation.Reset, guestPort, hostPort));
                        break;
                    case 8:
                        h.Send(model.Header((source.Next() & 1) == 0 ? VsockOperation.CreditUpdate : VsockOperation.CreditRequest, guestPort, hostPort));
                        break;
                    case 9:
                    {
                        // Anything at all in the header (the credit fields stay those of the guest model).
                        var header = model.Header((VsockOperation)(source.Next() % 10), guestPort, hostPort, source.Next() % 3 == 0 ? source.Next() : 0u, source.Next());
                        if (source.Next() % 4 == 0)
                        {
                            header.Type = source.Next();
                        }

                        if (source.Next() % 4 == 0)
                        {
                            header.SourceCid = source.Next();
                        }

                        if (source.Next() % 4 == 0)
                        {
                            header.DestinationCid = source.Next();
                        }

                        if (header.Operation == VsockOperation.Request)
                        {
                            model.Request(guestPort, hostPort);
                        }

                        h.Send(header, new byte[Math.Min(header.Length, 255u) + (source.Next() % 2)]);
                        break;
                    }

                    case 10:
                    {
                        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
                        try
                        {
                            client.Connect(new UnixDomainSocketEndPoint(h.SocketPath));
                            string line = (source.Next() % 4) switch { 0 => "CONNECT 52\n", 1 => "CONNECT 53\nhello", 2 => "CONNECT x\n", _ => "CONN" };
                            client.Send(Encoding.ASCII.GetBytes(line), SocketFlags.None, out _);
                            sockets.Add(client);
                        }
                        catch (SocketException)
                        {
                            client.Dispose();
                        }

                        break;
                    }

                    case 11:
                    case 12:
                        if (sockets.Count > 0)
                        {
                            var socket = sockets[source.Next() % sockets.Count];
                            switch (source.Next() % 8)
                            {
                                case < 4:
                                    socket.Send(new byte[source.Next() * 64], SocketFlags.None, out _);
                                    break;
                                case < 6:
                                    socket.Receive(new byte[65536], SocketFlags.None, out _);
                                    break;
                                case 6:
                                    try
                                    {
                                        socket.Shutdown(SocketShutdown.Send);
                                    }
                                    catch (SocketException)
                                    {
                                    }

                                    break;
                                default:
                                    socket.Dispose();
                                    sockets.Remove(socket);
                                    break;
                            }
                        }

                        break;
                    case 13:
                    {
                        int count = Math.Min(source.Next() % 9, h.Rx.Size - h.RxPosted);
                        if (count > 0)
                        {
                            h.PostRx(count);
                        }

                        break;
                    }

                    case 14:
                        h.Loop.RunOnce(source.Next() % 8 == 0 ? 60 : 0);
                        break;
                    default:
                        if (source.Next() % 8 == 0)
                        {
                            h.Device.SendTransportReset();
                            model.TransportReset();
                        }

                        break;
                }
            }

            // Quiet once the guest stops posting buffers: nothing left that the loop would call back for ever.
            int rounds = 0;
            for (; rounds < 300; rounds++)
            {
                Check(h, model, bound, maxConnections);
                if (h.Loop.RunOnce(0) == 0)
                {
                    break;
                }
            }

            Check(h, model, bound, maxConnections);
            Assert.True(rounds < 300, "the event loop never went quiet");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Property(MaxTest = 500)]
    public void CommandParser_AnyPort_ParsesExactlyThatPort(uint port)
    {
        var parser = new VsockCommandParser();
        var line = Encoding.ASCII.GetBytes($"CONNECT {port}\n");
        for (int i = 0; i < line.Length - 1; i++)
        {
            Assert.Equal(VsockCommandStatus.Incomplete, parser.Push(line[i], out _));
        }

        var status = parser.Push(line[^1], out uint parsed);
        if (port == uint.MaxValue)
        {
            Assert.Equal(VsockCommandStatus.Invalid, status);
        }
        else
        {
            Assert.Equal(VsockCommandStatus.Complete, status);
            Assert.Equal(port, parsed);
        }
    }

    [Property(MaxTest = 1000)]
    public void CommandParser_ArbitraryBytes_CompleteOnlyForAWellFormedLineAndNeverPastMaxLength(byte[] input)
    {
        var parser = new VsockCommandParser();
        for (int i = 0; i < input.Length; i++)
        {
            var status = parser.Push(input[i], out uint port);
            Assert.True(status == VsockCommandStatus.Incomplete || i < VsockCommandParser.MaxLength);
            if (status == VsockCommandStatus.Invalid)
            {
                return;
            }

            if (status == VsockCommandStatus.Complete)
            {
                string line = Encoding.Latin1.GetString(input, 0, i + 1);
                Assert.Matches(@"^CONNECT [0-9]{1,10}\n$", line);
                Assert.Equal(ulong.Parse(line[8..^1], System.Globalization.CultureInfo.InvariantCulture), port);
                return;
            }
        }

        Assert.True(input.Length < VsockCommandParser.MaxLength);
    }

    [Property(MaxTest = 300)]
    public void ByteRing_RandomWritesAndReads_BehavesAsABoundedFifo(byte[] script)
    {
        const int capacity = 64;
        using var ring = new VsockByteRing(capacity);
        var model = new Queue<byte>();
        var source = new ByteSource(script);
        byte next = 0;
        for (int i = 0; i < script.Length; i++)
        {
            int n = source.Next() % 80;
            if ((source.Next() & 1) == 0)
            {
                var data = new byte[n];
                for (int j = 0; j < n; j++)
                {
                    data[j] = next++;
                }

                bool fits = model.Count + n <= capacity;
                Assert.Equal(fits, ring.TryWrite(data));
                if (fits)
                {
                    foreach (byte b in data)
                    {
                        model.Enqueue(b);
                    }
                }
            }
            else
            {
                var segment = ring.PeekContiguous();
                int take = Math.Min(n, segment.Length);
                for (int j = 0; j < take; j++)
                {
                    Assert.Equal(model.Dequeue(), segment[j]);
                }

                ring.Advance(take);
            }

            Assert.Equal(model.Count, ring.Count);
            Assert.True(ring.Count <= capacity);
            Assert.Equal(model.Count > 0, !ring.PeekContiguous().IsEmpty);
        }
    }

    private static void AcceptPending(Socket listener, List<Socket> sockets)
    {
        while (listener.Poll(0, SelectMode.SelectRead))
        {
            var accepted = listener.Accept();
            accepted.Blocking = false;
            sockets.Add(accepted);
        }
    }

    private static void Check(VsockHarness h, GuestModel model, int bound, int maxConnections)
    {
        Assert.True(h.Device.LargestConnectionBuffer <= bound, $"{h.Device.LargestConnectionBuffer} bytes held for one connection");
        Assert.True(h.Device.ConnectionCount <= maxConnections);
        foreach (var packet in h.TakeRx(repost: false))
        {
            model.Receive(packet, bound);
        }
    }

    /// <summary>What the guest driver knows: per connection, the bytes it received (its fwd_cnt) and how much the device may still send it.</summary>
    private sealed class GuestModel
    {
        private const uint GuestBuffer = 16 * 1024;
        private readonly Dictionary<(uint HostPort, uint GuestPort), Stream> _streams = [];
        private readonly List<(uint HostPort, uint GuestPort)> _hostRequests = [];
        private readonly List<(uint HostPort, uint GuestPort)> _open = [];

        public VsockHeader Header(VsockOperation operation, uint guestPort, uint hostPort, uint length = 0, uint flags = 0)
        {
            var stream = Get(hostPort, guestPort);
            if (operation != VsockOperation.Request)
            {
                stream.Told = stream.Received;
            }

            if (operation == VsockOperation.Response && _hostRequests.Remove((hostPort, guestPort)))
            {
                _open.Add((hostPort, guestPort));
            }

            return VsockHarness.Header(operation, guestPort, hostPort, length, flags, GuestBuffer, operation == VsockOperation.Request ? 0 : stream.Received);
        }

        /// <summary>A new incarnation of the connection starts from zero on both sides.</summary>
        public void Request(uint guestPort, uint hostPort) => _streams[(hostPort, guestPort)] = new Stream();

        public int OpenCount => _open.Count;

        public uint UnusedGuestPort(uint hostPort, uint[] guestPorts, ref ByteSource source)
        {
            var unused = guestPorts.Where(p => !_open.Contains((hostPort, p))).ToArray();
            return unused.Length > 0 ? unused[source.Next() % unused.Length] : guestPorts[0];
        }

        public void TransportReset()
        {
            _streams.Clear();
            _hostRequests.Clear();
            _open.Clear();
        }

        /// <summary>Mostly a connection the guest believes open; sometimes any ports from the small set (often unknown to the device).</summary>
        public (uint HostPort, uint GuestPort) PickConnection(ref ByteSource source, uint servicePort, uint[] guestPorts)
        {
            byte pick = source.Next();
            if (pick % 4 != 0 && _open.Count > 0)
            {
                return _open[pick % _open.Count];
            }

            if (pick % 4 == 0 && pick % 8 == 0 && _hostRequests.Count > 0)
            {
                return _hostRequests[pick % _hostRequests.Count];
            }

            return (servicePort, guestPorts[pick % guestPorts.Length]);
        }

        public bool TryPickHostRequest(ref ByteSource source, out (uint HostPort, uint GuestPort) key)
        {
            key = default;
            if (_hostRequests.Count == 0)
            {
                return false;
            }

            key = _hostRequests[source.Next() % _hostRequests.Count];
            return true;
        }

        public void Receive(VsockPacket packet, int deviceBuffer)
        {
            var header = packet.Header;
            Assert.True(packet.UsedLength >= VsockHeader.Size, $"used length {packet.UsedLength}");
            Assert.Equal(VirtioVsock.HostCid, header.SourceCid);
            Assert.Equal(VsockHarness.GuestCid, header.DestinationCid);
            Assert.Equal(VsockHeader.TypeStream, header.Type);
            Assert.Equal(VsockHeader.Size + header.Length, packet.UsedLength);
            Assert.Contains(header.Operation, (VsockOperation[])[VsockOperation.Request, VsockOperation.Response, VsockOperation.Reset, VsockOperation.Shutdown, VsockOperation.ReadWrite, VsockOperation.CreditUpdate]);
            Assert.Equal(header.Operation == VsockOperation.ReadWrite, header.Length > 0);
            Assert.True(header.Length <= VsockHarness.RxBufferSize - VsockHeader.Size);
            Assert.Equal(header.Operation == VsockOperation.Reset ? 0u : (uint)deviceBuffer, header.BufferAllocation);
            Assert.Equal(header.Operation == VsockOperation.Shutdown ? (uint)VsockShutdownFlags.Send : 0u, header.Flags);
            var key = (header.SourcePort, header.DestinationPort);
            switch (header.Operation)
            {
                case VsockOperation.Request:
                    Assert.True(header.SourcePort >= 1u << 30);
                    Assert.True(header.DestinationPort is 52 or 53);
                    _streams[key] = new Stream();
                    _hostRequests.Add(key);
                    break;
                case VsockOperation.ReadWrite:
                {
                    var stream = Get(key.SourcePort, key.DestinationPort);
                    uint inFlight = stream.Received - stream.Told;
                    uint credit = inFlight >= GuestBuffer ? 0 : GuestBuffer - inFlight;
                    Assert.True(header.Length <= credit, $"{header.Length} bytes sent with {credit} bytes of credit");
                    stream.Received += header.Length;
                    break;
                }

                case VsockOperation.Response:
                    if (!_open.Contains(key))
                    {
                        _open.Add(key);
                    }

                    break;
                case VsockOperation.Reset:
                    _hostRequests.Remove(key);
                    _open.Remove(key);
                    break;
            }
        }

        private Stream Get(uint hostPort, uint guestPort)
        {
            if (!_streams.TryGetValue((hostPort, guestPort), out var stream))
            {
                stream = new Stream();
                _streams[(hostPort, guestPort)] = stream;
            }

            return stream;
        }

        private sealed class Stream
        {
            public uint Received { get; set; }

            public uint Told { get; set; }
        }
    }
}
