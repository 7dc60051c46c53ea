namespace Vmm.Virtio;

/// <summary>Device-independent feature bits (VIRTIO 1.2 §6) as masks.</summary>
public static class VirtioFeatures
{
    /// <summary>VIRTIO_F_INDIRECT_DESC (bit 28): indirect descriptor tables.</summary>
    public const ulong RingIndirectDescriptors = 1UL << 28;

    /// <summary>VIRTIO_F_EVENT_IDX (bit 29): used_event/avail_event notification suppression.</summary>
    public const ulong RingEventIndex = 1UL << 29;

    /// <summary>VIRTIO_F_VERSION_1 (bit 32): a modern (non-legacy) device; required by this transport.</summary>
    public const ulong Version1 = 1UL << 32;

    /// <summary>The transport features every <see cref="VirtioDevice"/> offers unless it overrides <see cref="VirtioDevice.OfferedFeatures"/>.</summary>
    public const ulong Standard = Version1 | RingIndirectDescriptors | RingEventIndex;
}
