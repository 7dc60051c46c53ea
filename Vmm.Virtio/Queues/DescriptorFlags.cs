namespace Vmm.Virtio;

/// <summary>The flags of a split-virtqueue descriptor (VIRTIO 1.2 §2.7.5).</summary>
[Flags]
public enum DescriptorFlags : ushort
{
    /// <summary>No flag: a device-readable buffer that ends its chain.</summary>
    None = 0,

    /// <summary>VIRTQ_DESC_F_NEXT: the chain continues at <see cref="Descriptor.Next"/>.</summary>
    Next = 1,

    /// <summary>VIRTQ_DESC_F_WRITE: the buffer is device-writable (otherwise device-readable).</summary>
    Write = 2,

    /// <summary>VIRTQ_DESC_F_INDIRECT: the buffer holds a table of descriptors.</summary>
    Indirect = 4,
}
