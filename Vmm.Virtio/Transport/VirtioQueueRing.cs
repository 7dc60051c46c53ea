namespace Vmm.Virtio;

/// <summary>The three areas of a split virtqueue whose guest addresses a driver writes (VIRTIO 1.2 §2.7).</summary>
public enum VirtioQueueRing
{
    /// <summary>The descriptor table (QueueDesc, queue_desc).</summary>
    Descriptors,

    /// <summary>The driver area, i.e. the available ring (QueueDriver, queue_driver).</summary>
    Driver,

    /// <summary>The device area, i.e. the used ring (QueueDevice, queue_device).</summary>
    Device,
}
