using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Vmm.Devices;
using Vmm.Virtio.Net;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>Frames through a real tap in the test's own network namespace, both ways.</summary>
public sealed class VirtioNetTapTests
{
    private const ulong Plain = VirtioNetFeatures.Mac | VirtioNetFeatures.Status;

    [Fact]
    public void Config_MacAndStatus_ReadByDriver()
    {
        using var h = NetHarness.Create();
        Span<byte> config = stackalloc byte[VirtioNet.ConfigLength];
        for (int i = 0; i < config.Length; i++)
        {
            h.Transport.Read((ulong)(VirtioMmioRegister.Config + i), config.Slice(i, 1));
        }

        Assert.Equal("52:54:00:12:34:56", new MacAddress(config[..6]).ToString());
        Assert.Equal(VirtioNet.StatusLinkUp, BinaryPrimitives.ReadUInt16LittleEndian(config[6..]));
        Assert.Equal(VirtioNetFeatures.All | VirtioFeatures.Standard, h.Negotiated);
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(1514, false)]
    [InlineData(1514, true)]
    [InlineData(9000, true)]
    public void Receive_FrameSentIntoTap_LandsInGuestBuffersByteForByte(int length, bool mergeable)
    {
        using var h = NetHarness.Create(Plain | (mergeable ? VirtioNetFeatures.MergeableRxBuffers : 0));
        h.Sandbox.SetMtu(NetHarness.TapName, 9000);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        uint bufferSize = mergeable ? 1536u : (uint)(length + VirtioNetHeader.Size);
        h.PostReceiveBuffers(mergeable ? 64 : 4, bufferSize);
        var payload = new byte[length - 14];
        new Random(length).NextBytes(payload);
        var frame = Frames.Ethernet([0x52, 0x54, 0, 0x12, 0x34, 0x56], h.HostMac, Frames.EtherTypeTest, payload);

        socket.Send(frame);
        var received = h.ReceiveUntil(f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest);

        var mine = Assert.Single(received, f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest);
        Assert.Equal(frame, mine.Frame);
        Assert.Equal(mergeable ? (length + VirtioNetHeader.Size + 1535) / 1536 : 1, mine.Buffers);
        Assert.Equal(0, mine.Header.Flags);
        Assert.Equal(VirtioNetHeader.GsoNone, mine.Header.GsoType);
        Assert.True(h.Device.ReceivedFrames >= 1);
        Assert.True(h.Interrupts.Pulses > 0);
    }

    [Theory]
    [InlineData(60, 1)]
    [InlineData(1514, 3)]
    [InlineData(9014, 7)]
    public void Transmit_FrameFromGuest_LeavesTapByteForByte(int length, int pieces)
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        var payload = new byte[length - 14];
        new Random(length).NextBytes(payload);
        var frame = Frames.Ethernet(h.HostMac, [0x52, 0x54, 0, 0x12, 0x34, 0x56], Frames.EtherTypeTest, payload);

        ushort head = h.SendFrame(frame, pieces);

        var used = Assert.Single(h.TakeTransmitted());
        Assert.Equal(head, (ushort)used.Id);
        Assert.Equal(0u, used.Length);
        Assert.Equal(frame, socket.ReceiveMatching(f => Frames.EtherType(f) == Frames.EtherTypeTest, 3000));
        Assert.Equal(1, h.Device.TransmittedFrames);
        Assert.Equal(length, h.Device.TransmittedBytes);
    }

    [Fact]
    public void UdpExchange_ArpThenDatagramsBothWays_ReachSocketInNamespace()
    {
        using var h = NetHarness.Create(Plain | VirtioNetFeatures.MergeableRxBuffers);
        using var socket = h.Sandbox.OpenSocket(SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(NetHarness.HostIp, 5000));
        socket.ReceiveTimeout = 3000;
        h.PostReceiveBuffers(64, 1536);
        Span<byte> guestMac = stackalloc byte[6];
        NetHarness.GuestMac.CopyTo(guestMac);

        // Host → guest: the kernel first asks who 10.99.0.2 is; the guest answers; then the datagram comes through.
        socket.SendTo("to the guest"u8.ToArray(), new IPEndPoint(NetHarness.GuestIp, 6000));
        var arp = h.ReceiveUntil(f => Frames.IsArpRequestFor(f.Frame, NetHarness.GuestIp));
        Assert.Contains(arp, f => Frames.IsArpRequestFor(f.Frame, NetHarness.GuestIp));
        h.SendFrame(Frames.ArpReply(guestMac, NetHarness.GuestIp, h.HostMac, NetHarness.HostIp));
        var udp = h.ReceiveUntil(f => Frames.UdpPayload(f.Frame, 6000) is not null);
        Assert.Equal("to the guest"u8.ToArray(), udp.Select(f => Frames.UdpPayload(f.Frame, 6000)).Single(p => p is not null));

        // Guest → host: an IPv4/UDP datagram to the tap's address reaches the bound socket.
        var datagram = Frames.Udp(NetHarness.GuestIp, NetHarness.HostIp, 6000, 5000, "to the host"u8);
        h.SendFrame(Frames.Ethernet(h.HostMac, guestMac, Frames.EtherTypeIpv4, Frames.Ipv4(NetHarness.GuestIp, NetHarness.HostIp, 17, datagram)));
        var buffer = new byte[100];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int n = socket.ReceiveFrom(buffer, ref from);
        Assert.Equal("to the host", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal(new IPEndPoint(NetHarness.GuestIp, 6000), from);
    }

    [Fact]
    public void Receive_NoBuffersPosted_TapNotWatchedUntilDriverPosts()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        socket.Send(Frames.Ethernet([0x52, 0x54, 0, 0x12, 0x34, 0x56], h.HostMac, Frames.EtherTypeTest, new byte[46]));

        h.Loop.RunUntilIdle(waitMs: 50);
        Assert.Equal(DeviceEvents.None, h.Loop.InterestOf(h.Device.Tap.Handle));
        int dispatches = h.Loop.Dispatches;
        h.Loop.RunUntilIdle(waitMs: 20);
        Assert.Equal(dispatches, h.Loop.Dispatches);

        h.PostReceiveBuffers(4, 1526);
        var frames = h.TakeReceived();
        Assert.Contains(frames, f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest);
        Assert.Equal(DeviceEvents.Readable, h.Loop.InterestOf(h.Device.Tap.Handle));
    }
}
