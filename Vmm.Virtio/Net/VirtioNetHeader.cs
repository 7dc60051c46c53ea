using System.Runtime.InteropServices;

namespace Vmm.Virtio.Net;

/// <summary>
/// struct virtio_net_hdr_v1 (12 bytes, little-endian), in front of every frame on both queues and on the tap: checksum
/// and segmentation offload instructions, and on receive the number of buffers the frame spans.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct VirtioNetHeader
{
    /// <summary>The size of the header.</summary>
    public const int Size = 12;

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum at <see cref="ChecksumStart"/> + <see cref="ChecksumOffset"/> is partial.</summary>
    public const byte FlagNeedsChecksum = 1;

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID (receive only): the checksum was validated.</summary>
    public const byte FlagDataValid = 2;

    /// <summary>VIRTIO_NET_HDR_GSO_NONE.</summary>
    public const byte GsoNone = 0;

    /// <summary>VIRTIO_NET_HDR_GSO_TCPV4.</summary>
    public const byte GsoTcpV4 = 1;

    /// <summary>VIRTIO_NET_HDR_GSO_UDP (UFO).</summary>
    public const byte GsoUdp = 3;

    /// <summary>VIRTIO_NET_HDR_GSO_TCPV6.</summary>
    public const byte GsoTcpV6 = 4;

    /// <summary>VIRTIO_NET_HDR_GSO_ECN: the TCP segments carry ECN (needs the ECN features, which are not offered).</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>flags.</summary>
    public byte Flags;

    /// <summary>gso_type.</summary>
    public byte GsoType;

    /// <summary>hdr_len: the length of the headers to replicate in each segment.</summary>
    public ushort HeaderLength;

    /// <summary>gso_size: the payload size of each segment.</summary>
    public ushort GsoSize;

    /// <summary>csum_start: where checksumming starts.</summary>
    public ushort ChecksumStart;

    /// <summary>csum_offset: where, after <see cref="ChecksumStart"/>, the checksum goes.</summary>
    public ushort ChecksumOffset;

    /// <summary>num_buffers: on receive, the buffers the frame spans (1 without MRG_RXBUF).</summary>
    public ushort NumBuffers;
}
