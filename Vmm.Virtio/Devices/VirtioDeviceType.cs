namespace Vmm.Virtio;

/// <summary>Virtio device IDs (VIRTIO 1.2 §5).</summary>
public enum VirtioDeviceType : uint
{
    /// <summary>No device (an empty virtio-mmio slot).</summary>
    None = 0,

    /// <summary>Network card.</summary>
    Network = 1,

    /// <summary>Block device.</summary>
    Block = 2,

    /// <summary>Console.</summary>
    Console = 3,

    /// <summary>Entropy source.</summary>
    Entropy = 4,

    /// <summary>Traditional memory balloon.</summary>
    Balloon = 5,

    /// <summary>Socket device (vsock).</summary>
    Socket = 19,
}
