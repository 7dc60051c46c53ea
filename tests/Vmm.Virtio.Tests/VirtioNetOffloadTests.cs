using System.Buffers.Binary;
using System.Net;
using Vmm.Virtio.Net;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>Checksum and segmentation offloads: the virtio-net header is passed through the tap both ways, as negotiated.</summary>
public sealed class VirtioNetOffloadTests
{
    private const ulong Base = VirtioNetFeatures.Mac | VirtioNetFeatures.Status | VirtioNetFeatures.MergeableRxBuffers;
    private static readonly byte[] GuestMacBytes = [0x52, 0x54, 0, 0x12, 0x34, 0x56];

    [Fact]
    public void Transmit_TcpV4GsoFrame_TapGetsTheHeaderWhole()
    {
        using var h = NetHarness.Create(Base | VirtioNetFeatures.Checksum | VirtioNetFeatures.HostTso4);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName, vnetHeader: true);
        var frame = TcpFrame(h.HostMac, GuestMacBytes, NetHarness.GuestIp, NetHarness.HostIp, 3000);
        var header = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum, GsoType = VirtioNetHeader.GsoTcpV4, HeaderLength = 54, GsoSize = 1000,
            ChecksumStart = 34, ChecksumOffset = 16,
        };

        h.Send(Frames.Concat(Frames.Header(header), frame), pieces: 3);

        Assert.Equal(0, h.Device.Dropped(VirtioNetDrop.TxBadHeader));
        var seen = socket.ReceiveMatching(f => f.Length > 10 + 14 && Frames.EtherType(f.AsSpan(10)) == Frames.EtherTypeIpv4, 3000);
        Assert.NotNull(seen);
        var hdr = seen.AsSpan(0, 10);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, hdr[1]);
        Assert.Equal(1000, BinaryPrimitives.ReadUInt16LittleEndian(hdr[4..]));
        Assert.Equal(frame.Length, seen.Length - 10);
        Assert.Equal(frame.AsSpan(14 + 20 + 20).ToArray(), seen.AsSpan(10 + 14 + 20 + 20).ToArray());
    }

    [Fact]
    public void Transmit_GsoWithoutHostTso_DroppedAsBadHeader()
    {
        using var h = NetHarness.Create(Base | VirtioNetFeatures.Checksum);
        var frame = TcpFrame(h.HostMac, GuestMacBytes, NetHarness.GuestIp, NetHarness.HostIp, 3000);
        var header = new VirtioNetHeader { Flags = 1, GsoType = VirtioNetHeader.GsoTcpV4, HeaderLength = 54, GsoSize = 1000, ChecksumStart = 34, ChecksumOffset = 16 };

        h.Send(Frames.Concat(Frames.Header(header), frame));

        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.TxBadHeader));
        Assert.Equal(0, h.Device.TransmittedFrames);
        Assert.Single(h.TakeTransmitted());
    }

    [Fact]
    public void Receive_TcpV4GsoFrameWithGuestTso_DeliveredWholeWithItsHeaderAcrossMergeableBuffers()
    {
        using var h = NetHarness.Create(Base | VirtioNetFeatures.GuestChecksum | VirtioNetFeatures.GuestTso4);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName, vnetHeader: true);
        h.PostReceiveBuffers(128, 1536);
        var frame = TcpFrame(GuestMacBytes, h.HostMac, NetHarness.HostIp, NetHarness.GuestIp, 4000);

        socket.Send(Frames.Concat(GsoHeader10(1400), frame));
        var received = h.ReceiveUntil(f => Frames.EtherType(f.Frame) == Frames.EtherTypeIpv4);

        var mine = Assert.Single(received, f => Frames.EtherType(f.Frame) == Frames.EtherTypeIpv4);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, mine.Header.GsoType);
        Assert.Equal(1400, mine.Header.GsoSize);
        Assert.Equal(VirtioNetHeader.FlagNeedsChecksum, mine.Header.Flags & VirtioNetHeader.FlagNeedsChecksum);
        Assert.Equal(34, mine.Header.ChecksumStart);
        Assert.Equal(16, mine.Header.ChecksumOffset);
        Assert.Equal(frame, mine.Frame);
        Assert.Equal((frame.Length + VirtioNetHeader.Size + 1535) / 1536, mine.Buffers);
    }

    [Fact]
    public void Receive_GsoFrameWithoutGuestTso_SegmentedByTheHostKernel()
    {
        using var h = NetHarness.Create(Base | VirtioNetFeatures.GuestChecksum);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName, vnetHeader: true);
        h.PostReceiveBuffers(128, 1536);
        var frame = TcpFrame(GuestMacBytes, h.HostMac, NetHarness.HostIp, NetHarness.GuestIp, 4000);

        socket.Send(Frames.Concat(GsoHeader10(1400), frame));
        var received = new List<ReceivedFrame>();
        var deadline = Environment.TickCount64 + 3000;
        while (received.Count(IsTcp) < 3 && Environment.TickCount64 < deadline)
        {
            received.AddRange(h.ReceiveUntil(IsTcp, 200));
        }

        var segments = received.Where(IsTcp).ToList();
        Assert.Equal(3, segments.Count);
        Assert.All(segments, s => Assert.Equal(VirtioNetHeader.GsoNone, s.Header.GsoType));
        Assert.All(segments, s => Assert.True(s.Frame.Length <= 14 + 20 + 20 + 1400));
        Assert.Equal(4000, segments.Sum(s => s.Frame.Length - 54));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Receive_PartialChecksum_KeptWithGuestCsumCompletedWithout(bool guestChecksum)
    {
        using var h = NetHarness.Create(Base | (guestChecksum ? VirtioNetFeatures.GuestChecksum : 0));
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName, vnetHeader: true);
        h.PostReceiveBuffers(16, 1536);
        var udp = Frames.Udp(NetHarness.HostIp, NetHarness.GuestIp, 5000, 6000, new byte[300], partial: true);
        var frame = Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeIpv4, Frames.Ipv4(NetHarness.HostIp, NetHarness.GuestIp, 17, udp));
        byte[] header10 = [VirtioNetHeader.FlagNeedsChecksum, 0, 0, 0, 0, 0, 34, 0, 6, 0];

        socket.Send(Frames.Concat(header10, frame));
        var mine = Assert.Single(h.ReceiveUntil(f => Frames.UdpPayload(f.Frame, 6000) is not null), f => Frames.UdpPayload(f.Frame, 6000) is not null);

        if (guestChecksum)
        {
            Assert.Equal(VirtioNetHeader.FlagNeedsChecksum, mine.Header.Flags);
            Assert.Equal(34, mine.Header.ChecksumStart);
            Assert.Equal(6, mine.Header.ChecksumOffset);
            Assert.Equal(frame, mine.Frame);
        }
        else
        {
            Assert.Equal(0, mine.Header.Flags);
            Assert.True(Frames.TransportChecksumValid(mine.Frame));
        }
    }

    [Fact]
    public void Activate_GuestTsoWithoutGuestChecksum_Refused()
    {
        using var h = NetHarness.Create(transportOnly: true);
        Assert.True(h.Driver.Negotiate(VirtioFeatures.Version1 | VirtioNetFeatures.GuestTso4, out _));
        Assert.True(h.Driver.SetUpQueue(0, h.Rx));
        Assert.True(h.Driver.SetUpQueue(1, h.Tx));

        var status = h.Driver.DriverOk();

        Assert.True((status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(0, h.Loop.ActiveWatches);
    }

    private static bool IsTcp(ReceivedFrame f) => Frames.EtherType(f.Frame) == Frames.EtherTypeIpv4 && f.Frame.Length > 23 && f.Frame[23] == 6;

    /// <summary>The 10-byte virtio_net_hdr a packet socket takes: NEEDS_CSUM, TCPv4 GSO.</summary>
    private static byte[] GsoHeader10(ushort gsoSize)
    {
        var header = new byte[10];
        header[0] = VirtioNetHeader.FlagNeedsChecksum;
        header[1] = VirtioNetHeader.GsoTcpV4;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 54);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), gsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 34);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), 16);
        return header;
    }

    private static byte[] TcpFrame(byte[] destinationMac, byte[] sourceMac, IPAddress source, IPAddress destination, int payloadLength)
    {
        var payload = new byte[payloadLength];
        new Random(payloadLength).NextBytes(payload);
        var tcp = Frames.TcpPartial(source, destination, 40000, 5001, 1000, payload);
        return Frames.Ethernet(destinationMac, sourceMac, Frames.EtherTypeIpv4, Frames.Ipv4(source, destination, 6, tcp));
    }
}
