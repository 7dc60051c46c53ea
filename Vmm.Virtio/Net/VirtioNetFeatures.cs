namespace Vmm.Virtio.Net;

/// <summary>virtio-net feature bits (VIRTIO 1.2 §5.1.3) as masks: the ones <see cref="VirtioNet"/> offers.</summary>
public static class VirtioNetFeatures
{
    /// <summary>VIRTIO_NET_F_CSUM (0): the device takes frames with a partial checksum (NEEDS_CSUM).</summary>
    public const ulong Checksum = 1UL << 0;

    /// <summary>VIRTIO_NET_F_GUEST_CSUM (1): the driver takes frames with a partial checksum.</summary>
    public const ulong GuestChecksum = 1UL << 1;

    /// <summary>VIRTIO_NET_F_MAC (5): the configuration space holds the MAC address.</summary>
    public const ulong Mac = 1UL << 5;

    /// <summary>VIRTIO_NET_F_GUEST_TSO4 (7): the driver takes TCPv4 segmentation offload frames.</summary>
    public const ulong GuestTso4 = 1UL << 7;

    /// <summary>VIRTIO_NET_F_GUEST_TSO6 (8): the driver takes TCPv6 segmentation offload frames.</summary>
    public const ulong GuestTso6 = 1UL << 8;

    /// <summary>VIRTIO_NET_F_GUEST_UFO (10): the driver takes UDP fragmentation offload frames.</summary>
    public const ulong GuestUfo = 1UL << 10;

    /// <summary>VIRTIO_NET_F_HOST_TSO4 (11): the device takes TCPv4 segmentation offload frames.</summary>
    public const ulong HostTso4 = 1UL << 11;

    /// <summary>VIRTIO_NET_F_HOST_TSO6 (12): the device takes TCPv6 segmentation offload frames.</summary>
    public const ulong HostTso6 = 1UL << 12;

    /// <summary>VIRTIO_NET_F_HOST_UFO (14): the device takes UDP fragmentation offload frames.</summary>
    public const ulong HostUfo = 1UL << 14;

    /// <summary>VIRTIO_NET_F_MRG_RXBUF (15): a received frame may span several receive buffers (num_buffers).</summary>
    public const ulong MergeableRxBuffers = 1UL << 15;

    /// <summary>VIRTIO_NET_F_STATUS (16): the configuration space holds the link status.</summary>
    public const ulong Status = 1UL << 16;

    /// <summary>The guest-side (receive) offloads: what the tap may hand the driver whole.</summary>
    public const ulong GuestOffloads = GuestChecksum | GuestTso4 | GuestTso6 | GuestUfo;

    /// <summary>The host-side (transmit) offloads.</summary>
    public const ulong HostOffloads = Checksum | HostTso4 | HostTso6 | HostUfo;

    /// <summary>Everything <see cref="VirtioNet"/> offers.</summary>
    public const ulong All = GuestOffloads | HostOffloads | Mac | MergeableRxBuffers | Status;
}
