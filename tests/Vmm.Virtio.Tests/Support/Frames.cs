using System.Buffers.Binary;
using System.Net;
using Vmm.Virtio.Net;

namespace Vmm.Virtio.Tests.Support;

/// <summary>Builds and parses the Ethernet, ARP, IPv4, UDP and TCP frames the virtio-net tests exchange with a tap.</summary>
public static class Frames
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;

    /// <summary>IEEE 802 local experimental ethertype: frames the host kernel ignores.</summary>
    public const ushort EtherTypeTest = 0x88b5;

    public static byte[] Ethernet(ReadOnlySpan<byte> destination, ReadOnlySpan<byte> source, ushort etherType, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[14 + payload.Length];
        destination.CopyTo(frame);
        source.CopyTo(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        payload.CopyTo(frame.AsSpan(14));
        return frame;
    }

    public static ushort EtherType(ReadOnlySpan<byte> frame) => frame.Length >= 14 ? BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) : (ushort)0;

    public static byte[] Ipv4(IPAddress source, IPAddress destination, byte protocol, ReadOnlySpan<byte> payload, ushort id = 1)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        packet[6] = 0x40; // don't fragment
        packet[8] = 64;
        packet[9] = protocol;
        source.GetAddressBytes().CopyTo(packet, 12);
        destination.GetAddressBytes().CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, 20)));
        payload.CopyTo(packet.AsSpan(20));
        return packet;
    }

    /// <summary>A UDP datagram; with <paramref name="partial"/> the checksum field holds only the pseudo-header sum (NEEDS_CSUM).</summary>
    public static byte[] Udp(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, bool partial = false)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram.AsSpan(8));
        uint pseudo = PseudoHeaderSum(source, destination, 17, datagram.Length);
        ushort checksum = partial ? Fold(pseudo) : Finish(pseudo, datagram);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(6), checksum == 0 && !partial ? (ushort)0xffff : checksum);
        return datagram;
    }

    /// <summary>A TCP segment (20-byte header, ACK|PSH) whose checksum field holds the pseudo-header sum (for NEEDS_CSUM/GSO).</summary>
    public static byte[] TcpPartial(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, uint sequence, ReadOnlySpan<byte> payload)
    {
        var segment = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), 1);
        segment[12] = 5 << 4;
        segment[13] = 0x18;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 65535);
        payload.CopyTo(segment.AsSpan(20));
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), Fold(PseudoHeaderSum(source, destination, 6, segment.Length)));
        return segment;
    }

    /// <summary>An ARP reply telling <paramref name="targetMac"/>/<paramref name="targetIp"/> that <paramref name="senderIp"/> is at <paramref name="senderMac"/>.</summary>
    public static byte[] ArpReply(ReadOnlySpan<byte> senderMac, IPAddress senderIp, ReadOnlySpan<byte> targetMac, IPAddress targetIp)
    {
        var arp = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), EtherTypeIpv4);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), 2);
        senderMac.CopyTo(arp.AsSpan(8));
        senderIp.GetAddressBytes().CopyTo(arp, 14);
        targetMac.CopyTo(arp.AsSpan(18));
        targetIp.GetAddressBytes().CopyTo(arp, 24);
        return Ethernet(targetMac, senderMac, EtherTypeArp, arp);
    }

    /// <summary>Whether <paramref name="frame"/> is an ARP request for <paramref name="target"/>.</summary>
    public static bool IsArpRequestFor(ReadOnlySpan<byte> frame, IPAddress target) =>
        EtherType(frame) == EtherTypeArp && frame.Length >= 42 && BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) == 1
        && frame.Slice(38, 4).SequenceEqual(target.GetAddressBytes());

    /// <summary>The UDP payload of an Ethernet/IPv4/UDP frame to <paramref name="port"/>, or null.</summary>
    public static byte[]? UdpPayload(ReadOnlySpan<byte> frame, ushort port)
    {
        if (EtherType(frame) != EtherTypeIpv4 || frame.Length < 42 || frame[23] != 17)
        {
            return null;
        }

        int ipHeader = (frame[14] & 0xf) * 4;
        var udp = frame[(14 + ipHeader)..];
        if (BinaryPrimitives.ReadUInt16BigEndian(udp[2..]) != port)
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        return udp[8..length].ToArray();
    }

    /// <summary>Whether the transport checksum of an Ethernet/IPv4 frame verifies.</summary>
    public static bool TransportChecksumValid(ReadOnlySpan<byte> frame)
    {
        int ipHeader = (frame[14] & 0xf) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
        var source = new IPAddress(frame.Slice(26, 4));
        var destination = new IPAddress(frame.Slice(30, 4));
        var transport = frame.Slice(14 + ipHeader, total - ipHeader);
        uint sum = PseudoHeaderSum(source, destination, frame[23], transport.Length) + Sum(transport);
        return Fold(sum) == 0xffff;
    }

    public static byte[] Header(VirtioNetHeader header)
    {
        var bytes = new byte[VirtioNetHeader.Size];
        System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in header);
        return bytes;
    }

    public static VirtioNetHeader ReadHeader(ReadOnlySpan<byte> bytes) => System.Runtime.InteropServices.MemoryMarshal.Read<VirtioNetHeader>(bytes);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static ushort Checksum(ReadOnlySpan<byte> data) => (ushort)~Fold(Sum(data));

    private static ushort Finish(uint pseudo, ReadOnlySpan<byte> data) => (ushort)~Fold(pseudo + Sum(data));

    private static uint PseudoHeaderSum(IPAddress source, IPAddress destination, byte protocol, int length)
    {
        Span<byte> pseudo = stackalloc byte[12];
        source.GetAddressBytes().CopyTo(pseudo);
        destination.GetAddressBytes().CopyTo(pseudo[4..]);
        pseudo[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)length);
        return Sum(pseudo);
    }

    private static uint Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
