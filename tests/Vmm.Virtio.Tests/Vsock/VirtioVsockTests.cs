using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Vmm.Devices;
using Vmm.Virtio.Tests.Support;
using Vmm.Virtio.Vsock;

namespace Vmm.Virtio.Tests.Vsock;

/// <summary>virtio-vsock against real Unix sockets in a temporary directory, with the test thread as event loop and guest driver.</summary>
public sealed class VirtioVsockTests
{
    private const uint GuestPort = 1234;
    private const uint ServicePort = 5000;

    [Fact]
    public void VsockHeader_Layout_MatchesVirtioVsockHdr()
    {
        Assert.Equal(44, Unsafe.SizeOf<VsockHeader>());
        var header = new VsockHeader { SourceCid = 0x0102030405060708, DestinationCid = 2, SourcePort = 0xaabbccdd, DestinationPort = 7, Length = 9, Type = 1, Operation = VsockOperation.ReadWrite, Flags = 3, BufferAllocation = 0x10000, ForwardCount = 0x55 };
        var bytes = new byte[44];
        Unsafe.WriteUnaligned(ref bytes[0], header);
        Assert.Equal(0x0102030405060708UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(2UL, BitConverter.ToUInt64(bytes, 8));
        Assert.Equal(0xaabbccddU, BitConverter.ToUInt32(bytes, 16));
        Assert.Equal(7U, BitConverter.ToUInt32(bytes, 20));
        Assert.Equal(9U, BitConverter.ToUInt32(bytes, 24));
        Assert.Equal((ushort)1, BitConverter.ToUInt16(bytes, 28));
        Assert.Equal((ushort)5, BitConverter.ToUInt16(bytes, 30));
        Assert.Equal(3U, BitConverter.ToUInt32(bytes, 32));
        Assert.Equal(0x10000U, BitConverter.ToUInt32(bytes, 36));
        Assert.Equal(0x55U, BitConverter.ToUInt32(bytes, 40));
    }

    [Fact]
    public void ReadConfig_GuestCid_LittleEndian64()
    {
        using var h = new VsockHarness();
        Assert.Equal(VirtioDeviceType.Socket, h.Device.DeviceType);
        Assert.Equal(3, h.Device.QueueCount);
        Assert.Equal((uint)VirtioDeviceType.Socket, h.Driver.Read(VirtioMmioRegister.DeviceId));
        Assert.Equal((uint)VsockHarness.GuestCid, h.Driver.Read(VirtioMmioRegister.Config));
        Assert.Equal(0u, h.Driver.Read(VirtioMmioRegister.Config + 4));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(0xffffffffUL)]
    [InlineData(0x100000000UL)]
    public void Constructor_ReservedCid_Throws(ulong cid)
    {
        Assert.False(VirtioVsock.IsValidGuestCid(cid));
        var path = Path.Combine(Path.GetTempPath(), $"vmm-vsock-{Guid.NewGuid():n}.sock");
        Assert.Throws<ArgumentOutOfRangeException>(() => new VirtioVsock(new VirtioVsockOptions { GuestCid = cid, UnixSocketPath = path }, new PollEventLoop()));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Constructor_SocketPathTaken_ThrowsAddressAlreadyInUse()
    {
        using var h = new VsockHarness();
        var error = Assert.Throws<SocketException>(() => new VirtioVsock(new VirtioVsockOptions { GuestCid = 3, UnixSocketPath = h.SocketPath }, new PollEventLoop()));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public void Dispose_RemovesSocketFile()
    {
        var h = new VsockHarness();
        Assert.True(File.Exists(h.SocketPath));
        h.Device.Dispose();
        Assert.False(File.Exists(h.SocketPath));
        h.Dispose();
    }

    [Fact]
    public void GuestConnect_HostServerListening_ResponseThenDataBothWays()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);

        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort));
        var response = Assert.Single(h.PumpRx());
        AssertWellFormed(response, GuestPort, ServicePort);
        Assert.Equal(VsockOperation.Response, response.Operation);
        Assert.Equal(64u * 1024, response.Header.BufferAllocation);
        using var server = listener.Accept();
        server.ReceiveTimeout = 5000;

        h.Send(VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, 5), "hello"u8);
        Assert.Equal("hello", ReceiveExactly(server, 5));

        server.Send("world!"u8);
        var data = Assert.Single(h.PumpRx());
        AssertWellFormed(data, GuestPort, ServicePort);
        Assert.Equal(VsockOperation.ReadWrite, data.Operation);
        Assert.Equal("world!", Encoding.ASCII.GetString(data.Payload));
        Assert.Equal(5u, data.Header.ForwardCount);
        Assert.Equal(1, h.Device.ConnectionCount);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "guest-connects", Value: 1 });
    }

    [Fact]
    public void GuestConnect_NoHostServer_Reset()
    {
        using var h = new VsockHarness();
        h.PostRx(4);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, 77));
        var reset = Assert.Single(h.PumpRx());
        AssertWellFormed(reset, GuestPort, 77);
        Assert.Equal(VsockOperation.Reset, reset.Operation);
        Assert.Equal(0, h.Device.ConnectionCount);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "connect-failures", Value: 1 });
    }

    [Fact]
    public void HostConnect_GuestAccepts_OkLineThenDataBothWays()
    {
        using var h = new VsockHarness();
        h.PostRx(8);
        using var client = h.ConnectHostClient();
        client.Send("CONNECT 52\n"u8);

        var request = Assert.Single(h.PumpRx());
        Assert.Equal(VsockOperation.Request, request.Operation);
        Assert.Equal(52u, request.Header.DestinationPort);
        uint hostPort = request.Header.SourcePort;
        Assert.True(hostPort >= 1u << 30);
        AssertWellFormed(request, 52, hostPort);

        h.Send(VsockHarness.Header(VsockOperation.Response, 52, hostPort));
        Assert.Equal($"OK {hostPort}\n", ReceiveLine(client));

        client.Send("ping"u8);
        var data = Assert.Single(h.PumpRx());
        Assert.Equal(VsockOperation.ReadWrite, data.Operation);
        Assert.Equal("ping", Encoding.ASCII.GetString(data.Payload));

        h.Send(VsockHarness.Header(VsockOperation.ReadWrite, 52, hostPort, 4, forwardCount: 4), "pong"u8);
        Assert.Equal("pong", ReceiveExactly(client, 4));
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "host-connects", Value: 1 });
    }

    [Fact]
    public void HostToGuest_LinuxStyleBuffersHeaderApartFromPayload_PacketsSpanBoth()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8, splitHeader: true);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);
        var data = new byte[10000];
        new Random(5).NextBytes(data);
        server.Send(data);
        var packets = h.PumpRx(3, repost: false);
        Assert.All(packets, p => AssertWellFormed(p, GuestPort, ServicePort));
        Assert.Equal([4096, 4096, 1808], packets.Select(p => p.Payload.Length));
        Assert.Equal(data, packets.SelectMany(p => p.Payload).ToArray());
    }

    [Fact]
    public void HostConnect_DataSentWithCommand_KeptForTheGuestAfterOk()
    {
        using var h = new VsockHarness();
        h.PostRx(8);
        using var client = h.ConnectHostClient();
        client.Send("CONNECT 52\nearly"u8);
        var request = Assert.Single(h.PumpRx());
        h.Send(VsockHarness.Header(VsockOperation.Response, 52, request.Header.SourcePort));
        Assert.StartsWith("OK ", ReceiveLine(client));
        var data = Assert.Single(h.PumpRx());
        Assert.Equal("early", Encoding.ASCII.GetString(data.Payload));
    }

    [Fact]
    public void HostConnect_GuestRefuses_ClientSeesEndOfFile()
    {
        using var h = new VsockHarness();
        h.PostRx(8);
        using var client = h.ConnectHostClient();
        client.Send("CONNECT 9\n"u8);
        var request = Assert.Single(h.PumpRx());
        h.Send(VsockHarness.Header(VsockOperation.Reset, 9, request.Header.SourcePort));
        Assert.Equal(0, client.Receive(new byte[16]));
        Assert.Equal(0, h.Device.ConnectionCount);
    }

    [Theory]
    [InlineData("CONNECT\n")]
    [InlineData("connect 5\n")]
    [InlineData("CONNECT 4294967295\n")]
    [InlineData("CONNECT 12345678901\n")]
    [InlineData("GET / HTTP/1.1\r\n")]
    public void HostConnect_BadCommand_ClientClosedNothingSentToGuest(string line)
    {
        using var h = new VsockHarness();
        h.PostRx(4);
        using var client = h.ConnectHostClient();
        client.Send(Encoding.ASCII.GetBytes(line));
        Assert.True(h.Loop.RunUntil(() => client.Poll(0, SelectMode.SelectRead)));
        AssertClosedByPeer(client);
        Assert.Equal(0, h.Device.ConnectionCount);
        Assert.Equal(1, h.Loop.Count);
        Assert.Empty(h.TakeRx());
    }

    [Fact]
    public void HostConnect_GuestNeverAnswers_ResetAfterTimeoutAndClientClosed()
    {
        using var h = new VsockHarness(timeout: TimeSpan.FromMilliseconds(100));
        h.PostRx(8);
        using var client = h.ConnectHostClient();
        client.Send("CONNECT 9\n"u8);
        var request = Assert.Single(h.PumpRx());
        var reset = Assert.Single(h.PumpRx());
        Assert.Equal(VsockOperation.Reset, reset.Operation);
        AssertWellFormed(reset, 9, request.Header.SourcePort);
        Assert.Equal(0, client.Receive(new byte[16]));
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "timeouts", Value: 1 });
    }

    [Fact]
    public void HostConnect_ClientSilent_ClosedAfterTimeout()
    {
        using var h = new VsockHarness(timeout: TimeSpan.FromMilliseconds(100));
        using var client = h.ConnectHostClient();
        Assert.True(h.Loop.RunUntil(() => h.Device.ConnectionCount == 1));
        Assert.True(h.Loop.RunUntil(() => h.Device.ConnectionCount == 0));
        Assert.Equal(0, client.Receive(new byte[16]));
    }

    public static TheoryData<string> BadPackets => new()
    {
        "unknown-op", "invalid-op", "seqpacket-type", "wrong-source-cid", "wrong-destination-cid", "length-beyond-buffers", "control-with-payload", "shutdown-unknown-flags",
    };

    [Theory]
    [MemberData(nameof(BadPackets))]
    public void Transmit_ProtocolViolationOnConnection_ResetAndHostSocketClosed(string kind)
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);

        var header = VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, 4);
        byte[] payload = [1, 2, 3, 4];
        switch (kind)
        {
            case "unknown-op": header.Operation = (VsockOperation)99; header.Length = 0; payload = []; break;
            case "invalid-op": header.Operation = VsockOperation.Invalid; header.Length = 0; payload = []; break;
            case "seqpacket-type": header.Type = 2; break;
            case "wrong-source-cid": header.SourceCid = 7; break;
            case "wrong-destination-cid": header.DestinationCid = 9; break;
            case "length-beyond-buffers": header.Length = 5; break;
            case "control-with-payload": header.Operation = VsockOperation.CreditUpdate; break;
            case "shutdown-unknown-flags": header.Operation = VsockOperation.Shutdown; header.Flags = 4; header.Length = 0; payload = []; break;
        }

        h.Send(header, payload);
        var reset = Assert.Single(h.PumpRx());
        Assert.Equal(VsockOperation.Reset, reset.Operation);
        AssertWellFormed(reset, GuestPort, ServicePort);
        Assert.Equal(0, server.Receive(new byte[16]));
        Assert.Equal(0, h.Device.ConnectionCount);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "protocol-errors", Value: 1 });
    }

    [Theory]
    [InlineData(VsockOperation.ReadWrite)]
    [InlineData(VsockOperation.Response)]
    [InlineData(VsockOperation.CreditUpdate)]
    [InlineData(VsockOperation.CreditRequest)]
    [InlineData(VsockOperation.Shutdown)]
    public void Transmit_PacketForUnknownConnection_Reset(VsockOperation operation)
    {
        using var h = new VsockHarness();
        h.PostRx(4);
        uint length = operation == VsockOperation.ReadWrite ? 3u : 0u;
        h.Send(VsockHarness.Header(operation, GuestPort, 31, length, operation == VsockOperation.Shutdown ? 3u : 0u), "abc"u8[..(int)length]);
        var reset = Assert.Single(h.PumpRx());
        Assert.Equal(VsockOperation.Reset, reset.Operation);
        AssertWellFormed(reset, GuestPort, 31);
    }

    [Fact]
    public void Transmit_ResetForUnknownConnection_NoReply()
    {
        using var h = new VsockHarness();
        h.PostRx(4);
        h.Send(VsockHarness.Header(VsockOperation.Reset, GuestPort, 31));
        h.Loop.Drain();
        Assert.Empty(h.TakeRx());
    }

    [Fact]
    public void Transmit_ChainShorterThanHeader_CountedNoReply()
    {
        using var h = new VsockHarness();
        h.PostRx(4);
        var buffer = h.Allocate(16);
        h.Tx.AddChain(new Testing.SimulatedBuffer(buffer, 16, false));
        h.Driver.Notify(VirtioVsock.TransmitQueue);
        Assert.True(h.Tx.TryTakeUsed(out var used));
        Assert.Equal(0u, used.Length);
        Assert.Empty(h.TakeRx());
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "malformed-chains", Value: 1 });
    }

    [Fact]
    public void Transmit_HeaderOutsideGuestMemory_DroppedAndCounted()
    {
        using var h = new VsockHarness();
        h.PostRx(4);
        h.Tx.AddChain(new Testing.SimulatedBuffer(new Memory.GuestAddress(64UL << 20), VsockHeader.Size, false));
        h.Driver.Notify(VirtioVsock.TransmitQueue);
        Assert.True(h.Tx.TryTakeUsed(out _));
        Assert.Empty(h.TakeRx());
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "malformed-chains", Value: 1 });
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, h.Transport.Status);
    }

    [Fact]
    public void Transmit_PayloadOutsideGuestMemory_ResetAndHostSocketClosed()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);
        var header = h.Allocate(VsockHeader.Size);
        h.Memory.Write(header, VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, 100));
        h.Tx.AddChain(new Testing.SimulatedBuffer(header, VsockHeader.Size, false), new Testing.SimulatedBuffer(new Memory.GuestAddress(64UL << 20), 100, false));
        h.Driver.Notify(VirtioVsock.TransmitQueue);
        Assert.True(h.Tx.TryTakeUsed(out _));
        Assert.Equal(VsockOperation.Reset, Assert.Single(h.PumpRx()).Operation);
        AssertClosedByPeer(server);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "malformed-chains", Value: 1 });
    }

    [Fact]
    public void Receive_ChainWithDeviceReadableDescriptor_ReturnedEmptyAndNextUsed()
    {
        using var h = new VsockHarness();
        var bad = h.Allocate(VsockHarness.RxBufferSize);
        h.Rx.AddChain(new Testing.SimulatedBuffer(bad, VsockHeader.Size, false), new Testing.SimulatedBuffer(bad.Add(VsockHeader.Size), 4096, true));
        h.PostRx(1);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, 77));
        var packets = h.TakeRxRaw();
        Assert.Equal(2, packets.Count);
        Assert.Equal(0u, packets[0].Length);
        Assert.Equal((uint)VsockHeader.Size, packets[1].Length);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "malformed-chains", Value: 1 });
    }

    [Fact]
    public void Notify_StormWithNothingPosted_NoPacketsNoFaults()
    {
        using var h = new VsockHarness();
        for (int i = 0; i < 10000; i++)
        {
            h.Driver.Notify(i % 3);
        }

        Assert.Empty(h.TakeRx());
        Assert.Equal(0, h.Device.ConnectionCount);
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, h.Transport.Status);
    }

    [Fact]
    public void Transmit_DuplicateRequest_ResetAndConnectionClosed()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort));
        Assert.Single(h.PumpRx());
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort));
        Assert.Equal(VsockOperation.Reset, Assert.Single(h.PumpRx()).Operation);
        Assert.Equal(0, h.Device.ConnectionCount);
    }

    [Fact]
    public void GuestToHost_GuestSendsBeyondCredit_ResetAndNeverBuffersMoreThanBound()
    {
        const int bound = 16 * 1024;
        using var h = new VsockHarness(bufferSize: bound);
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort));
        Assert.Equal((uint)bound, Assert.Single(h.PumpRx()).Header.BufferAllocation);
        using var server = listener.Accept();
        server.ReceiveBufferSize = 4096;

        // The host server never reads: the socket fills, then the device's buffer, up to the credit it advertised.
        var chunk = new byte[4096];
        long sent = 0;
        int packets = 0;
        while (h.Device.ConnectionCount == 1 && packets < 200)
        {
            h.Send(VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, (uint)chunk.Length), chunk);
            sent += chunk.Length;
            packets++;
            Assert.True(h.Device.LargestConnectionBuffer <= bound);
        }

        Assert.Equal(0, h.Device.ConnectionCount);
        Assert.True(sent > bound, $"sent {sent}");
        var reset = h.PumpRx().Last();
        Assert.Equal(VsockOperation.Reset, reset.Operation);
        Assert.Equal(0L, h.Device.BufferedBytes);
    }

    [Fact]
    public void GuestToHost_HostReadsSlowly_CreditUpdatesLetTheGuestSendEverything()
    {
        const int bound = 16 * 1024;
        using var h = new VsockHarness(bufferSize: bound);
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(16);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort));
        var response = Assert.Single(h.PumpRx());
        using var server = listener.Accept();
        server.ReceiveBufferSize = 4096;
        server.Blocking = false;

        // A guest that respects credit: it sends only what buf_alloc − (sent − fwd_cnt) allows, learning fwd_cnt from the device's packets.
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        var received = new MemoryStream();
        uint deviceFwd = response.Header.ForwardCount;
        int offset = 0;
        var buffer = new byte[8192];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int creditUpdates = 0;
        while (received.Length < data.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"stalled at {received.Length} bytes, guest sent {offset}, fwd_cnt {deviceFwd}");
            uint credit = (uint)bound - ((uint)offset - deviceFwd);
            int n = (int)Math.Min(Math.Min(credit, 4096u), (uint)(data.Length - offset));
            if (n > 0)
            {
                h.Send(VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, (uint)n), data.AsSpan(offset, n));
                offset += n;
            }

            Assert.True(h.Device.LargestConnectionBuffer <= bound);
            int got = server.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                received.Write(buffer, 0, got);
            }

            h.Loop.Drain();
            foreach (var packet in h.TakeRx())
            {
                Assert.True(packet.Operation == VsockOperation.CreditUpdate, packet.ToString());
                AssertWellFormed(packet, GuestPort, ServicePort);
                Assert.True(packet.Header.ForwardCount - deviceFwd <= (uint)offset - deviceFwd);
                deviceFwd = packet.Header.ForwardCount;
                creditUpdates++;
            }
        }

        Assert.Equal(data, received.ToArray());
        Assert.Equal(1, h.Device.ConnectionCount);
        Assert.True(creditUpdates > 0);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "protocol-errors", Value: 0 });
    }

    [Fact]
    public void HostToGuest_GuestCreditSmall_DeviceSendsNoMoreThanCreditUntilUpdate()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(32);
        const uint guestBuffer = 8192;
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort, bufferAllocation: guestBuffer));
        Assert.Single(h.PumpRx());
        using var server = listener.Accept();

        var data = new byte[32 * 1024];
        new Random(3).NextBytes(data);
        server.Send(data);
        var first = h.PumpRx(2);
        h.Loop.Drain();
        first.AddRange(h.TakeRx());
        Assert.All(first, p => Assert.Equal(VsockOperation.ReadWrite, p.Operation));
        Assert.Equal((int)guestBuffer, first.Sum(p => p.Payload.Length));

        // No credit: readiness is off for the socket, so the loop stays quiet.
        int before = h.Loop.Dispatches;
        for (int i = 0; i < 10; i++)
        {
            h.Loop.RunOnce(5);
        }

        Assert.Equal(before, h.Loop.Dispatches);
        Assert.Empty(h.TakeRx());

        var received = first.SelectMany(p => p.Payload).ToList();
        uint fwd = guestBuffer;
        while (received.Count < data.Length)
        {
            h.Send(VsockHarness.Header(VsockOperation.CreditUpdate, GuestPort, ServicePort, bufferAllocation: guestBuffer, forwardCount: fwd));
            var more = h.PumpRx(1);
            h.Loop.Drain();
            more.AddRange(h.TakeRx());
            Assert.True(more.Sum(p => p.Payload.Length) <= guestBuffer);
            received.AddRange(more.SelectMany(p => p.Payload));
            fwd = (uint)received.Count;
        }

        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public void CreditRequest_Established_CreditUpdateWithDeviceCounters()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);
        h.Send(VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, 3), "abc"u8);
        h.Send(VsockHarness.Header(VsockOperation.CreditRequest, GuestPort, ServicePort));
        var update = Assert.Single(h.PumpRx());
        Assert.Equal(VsockOperation.CreditUpdate, update.Operation);
        Assert.Equal(3u, update.Header.ForwardCount);
        Assert.Equal(64u * 1024, update.Header.BufferAllocation);
    }

    [Fact]
    public void Shutdown_GuestClosesBothDirections_HostSeesDataThenEofAndGuestGetsReset()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);
        h.Send(VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, 3), "bye"u8);
        h.Send(VsockHarness.Header(VsockOperation.Shutdown, GuestPort, ServicePort, flags: 3));
        Assert.Equal(VsockOperation.Reset, Assert.Single(h.PumpRx()).Operation);
        Assert.Equal("bye", ReceiveExactly(server, 3));
        Assert.Equal(0, server.Receive(new byte[4]));
        Assert.Equal(0, h.Device.ConnectionCount);
    }

    [Fact]
    public void Shutdown_GuestHalfCloses_HostSeesEofAndCanStillAnswer()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);
        h.Send(VsockHarness.Header(VsockOperation.ReadWrite, GuestPort, ServicePort, 4), "ping"u8);
        h.Send(VsockHarness.Header(VsockOperation.Shutdown, GuestPort, ServicePort, flags: (uint)VsockShutdownFlags.Send));
        Assert.Equal("ping", ReceiveExactly(server, 4));
        Assert.Equal(0, server.Receive(new byte[4]));

        server.Send("pong"u8);
        server.Shutdown(SocketShutdown.Send);
        var packets = h.PumpRx(3);
        Assert.Equal([VsockOperation.ReadWrite, VsockOperation.Shutdown, VsockOperation.Reset], packets.Select(p => p.Operation));
        Assert.Equal("pong", Encoding.ASCII.GetString(packets[0].Payload));
        Assert.Equal((uint)VsockShutdownFlags.Send, packets[1].Header.Flags);
        Assert.Equal(0, h.Device.ConnectionCount);
    }

    [Fact]
    public void Shutdown_HostClosesFirst_GuestGetsShutdownAndResetOnItsClose()
    {
        using var h = new VsockHarness();
        h.PostRx(8);
        using var client = h.ConnectHostClient();
        client.Send("CONNECT 80\n"u8);
        var request = Assert.Single(h.PumpRx());
        uint hostPort = request.Header.SourcePort;
        h.Send(VsockHarness.Header(VsockOperation.Response, 80, hostPort));
        ReceiveLine(client);
        client.Send("last words"u8);
        client.Close();
        var packets = h.PumpRx(2);
        Assert.Equal([VsockOperation.ReadWrite, VsockOperation.Shutdown], packets.Select(p => p.Operation));
        Assert.Equal(1, h.Device.ConnectionCount);

        // The socket hung up: nothing more is wanted from it, so it must not keep the loop busy.
        int before = h.Loop.Dispatches;
        for (int i = 0; i < 5; i++)
        {
            h.Loop.RunOnce(5);
        }

        Assert.True(h.Loop.Dispatches - before <= 1);

        h.Send(VsockHarness.Header(VsockOperation.Shutdown, 80, hostPort, flags: 3));
        Assert.Equal(VsockOperation.Reset, Assert.Single(h.PumpRx()).Operation);
        Assert.Equal(0, h.Device.ConnectionCount);
    }

    [Fact]
    public void Receive_NoBuffersPosted_SocketNotWatchedForReadAndNothingLost()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(1);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, ServicePort));
        Assert.Equal(VsockOperation.Response, Assert.Single(h.PumpRx(repost: false)).Operation);
        using var server = listener.Accept();
        server.Send("queued while the guest had no buffers"u8);

        int before = h.Loop.Dispatches;
        for (int i = 0; i < 10; i++)
        {
            h.Loop.RunOnce(5);
        }

        Assert.True(h.Loop.Dispatches - before <= 1, $"{h.Loop.Dispatches - before} dispatches");
        h.PostRx(2);
        var data = Assert.Single(h.PumpRx());
        Assert.Equal("queued while the guest had no buffers", Encoding.ASCII.GetString(data.Payload));
    }

    [Fact]
    public void Receive_ManyBadPacketsWithoutBuffers_PendingResetsBounded()
    {
        using var h = new VsockHarness();
        for (uint i = 0; i < VirtioVsock.MaxPendingResets + 50; i++)
        {
            h.Send(VsockHarness.Header(VsockOperation.ReadWrite, i, 9, 0));
        }

        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "dropped-resets", Value: 50 });
        h.PostRx(64);
        h.Loop.Drain();
        int resets = 0;
        for (int i = 0; i < 10; i++)
        {
            resets += h.TakeRx().Count(p => p.Operation == VsockOperation.Reset);
        }

        Assert.Equal(VirtioVsock.MaxPendingResets, resets);
    }

    [Fact]
    public void Receive_BufferSmallerThanHeader_ReturnedEmptyAndCounted()
    {
        using var h = new VsockHarness();
        h.PostRx(1, size: 16);
        h.Send(VsockHarness.Header(VsockOperation.Request, GuestPort, 77));
        var packet = Assert.Single(h.TakeRx(repost: false));
        Assert.Equal(0u, packet.UsedLength);
        Assert.Contains(h.Device.ReadCounters(), c => c is { Name: "malformed-chains", Value: 1 });
        h.PostRx(1);
        Assert.Equal(VsockOperation.Reset, Assert.Single(h.PumpRx()).Operation);
    }

    [Fact]
    public void Connections_LimitReached_FurtherRequestsReset()
    {
        using var h = new VsockHarness(maxConnections: 2);
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        for (uint port = 1; port <= 3; port++)
        {
            h.Send(VsockHarness.Header(VsockOperation.Request, port, ServicePort));
        }

        var packets = h.PumpRx(3);
        Assert.Equal([VsockOperation.Response, VsockOperation.Response, VsockOperation.Reset], packets.Select(p => p.Operation).Order());
        Assert.Equal(3u, packets.Single(p => p.Operation == VsockOperation.Reset).Header.DestinationPort);
        Assert.Equal(2, h.Device.ConnectionCount);
    }

    [Fact]
    public void SendTransportReset_Connected_EventPostedAndConnectionsClosed()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);

        h.Device.SendTransportReset();
        Assert.Equal(0, h.Device.ConnectionCount);
        Assert.Equal(0, server.Receive(new byte[4]));
        Assert.False(h.Events.TryTakeUsed(out _));

        var eventBuffer = h.Allocate(4);
        h.Memory.Write(eventBuffer, 0xffffffffu);
        h.Events.AddChain(new Testing.SimulatedBuffer(eventBuffer, 4, true));
        h.Driver.Notify(VirtioVsock.EventQueue);
        Assert.True(h.Events.TryTakeUsed(out var used));
        Assert.Equal(4u, used.Length);
        Assert.Equal(VirtioVsock.EventTransportReset, h.Memory.Read<uint>(eventBuffer));
        Assert.Empty(h.TakeRx());
    }

    [Fact]
    public void DriverReset_Connected_ConnectionsClosedAndSocketsUnwatched()
    {
        using var h = new VsockHarness();
        using var listener = h.ListenOnHostPort(ServicePort);
        h.PostRx(8);
        using var server = h.AcceptGuestConnection(listener, GuestPort, ServicePort);
        h.Driver.Write(VirtioMmioRegister.Status, 0);
        Assert.Equal(0, h.Loop.Count);
        Assert.Equal(0, server.Receive(new byte[4]));
    }

    private static void AssertWellFormed(VsockPacket packet, uint guestPort, uint hostPort)
    {
        Assert.Equal(VirtioVsock.HostCid, packet.Header.SourceCid);
        Assert.Equal(VsockHarness.GuestCid, packet.Header.DestinationCid);
        Assert.Equal(hostPort, packet.Header.SourcePort);
        Assert.Equal(guestPort, packet.Header.DestinationPort);
        Assert.Equal(VsockHeader.TypeStream, packet.Header.Type);
        Assert.Equal(VsockHeader.Size + packet.Header.Length, packet.UsedLength);
    }

    /// <summary>End of file, or a reset when the device closed with our bytes unread.</summary>
    private static void AssertClosedByPeer(Socket socket)
    {
        try
        {
            Assert.Equal(0, socket.Receive(new byte[16]));
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }
    }

    private static string ReceiveExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int n = socket.Receive(buffer, total, count - total, SocketFlags.None);
            Assert.True(n > 0, "unexpected end of stream");
            total += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    private static string ReceiveLine(Socket socket)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (socket.Receive(one) == 1)
        {
            line.Append((char)one[0]);
            if (one[0] == '\n')
            {
                break;
            }
        }

        return line.ToString();
    }
}
