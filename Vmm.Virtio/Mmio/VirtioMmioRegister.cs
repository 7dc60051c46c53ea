namespace Vmm.Virtio;

/// <summary>Register offsets of the virtio-mmio transport, version 2 (VIRTIO 1.2 §4.2.2).</summary>
public static class VirtioMmioRegister
{
    /// <summary>R: 0x74726976 ("virt").</summary>
    public const int MagicValue = 0x000;

    /// <summary>R: 2.</summary>
    public const int Version = 0x004;

    /// <summary>R: the device type.</summary>
    public const int DeviceId = 0x008;

    /// <summary>R: the vendor ID.</summary>
    public const int VendorId = 0x00c;

    /// <summary>R: 32 bits of the offered features selected by <see cref="DeviceFeaturesSel"/>.</summary>
    public const int DeviceFeatures = 0x010;

    /// <summary>W: which 32-bit half of the device features to read.</summary>
    public const int DeviceFeaturesSel = 0x014;

    /// <summary>W: 32 bits of the accepted features selected by <see cref="DriverFeaturesSel"/>.</summary>
    public const int DriverFeatures = 0x020;

    /// <summary>W: which 32-bit half of the driver features to write.</summary>
    public const int DriverFeaturesSel = 0x024;

    /// <summary>W: selects the queue the queue registers refer to.</summary>
    public const int QueueSel = 0x030;

    /// <summary>R: the maximum size of the selected queue (0: no such queue).</summary>
    public const int QueueNumMax = 0x034;

    /// <summary>W: the size of the selected queue.</summary>
    public const int QueueNum = 0x038;

    /// <summary>RW: whether the selected queue is ready.</summary>
    public const int QueueReady = 0x044;

    /// <summary>W: notifies the device that a queue has new buffers (the value is the queue index).</summary>
    public const int QueueNotify = 0x050;

    /// <summary>R: the pending interrupt reasons (<see cref="VirtioInterrupt"/>).</summary>
    public const int InterruptStatus = 0x060;

    /// <summary>W: acknowledges interrupt reasons.</summary>
    public const int InterruptAck = 0x064;

    /// <summary>RW: the device status (<see cref="Virtio.DeviceStatus"/>); writing 0 resets.</summary>
    public const int Status = 0x070;

    /// <summary>W: low 32 bits of the descriptor table address.</summary>
    public const int QueueDescLow = 0x080;

    /// <summary>W: high 32 bits of the descriptor table address.</summary>
    public const int QueueDescHigh = 0x084;

    /// <summary>W: low 32 bits of the available (driver) ring address.</summary>
    public const int QueueDriverLow = 0x090;

    /// <summary>W: high 32 bits of the available (driver) ring address.</summary>
    public const int QueueDriverHigh = 0x094;

    /// <summary>W: low 32 bits of the used (device) ring address.</summary>
    public const int QueueDeviceLow = 0x0a0;

    /// <summary>W: high 32 bits of the used (device) ring address.</summary>
    public const int QueueDeviceHigh = 0x0a4;

    /// <summary>W: selects a shared memory region.</summary>
    public const int ShmSel = 0x0ac;

    /// <summary>R: low 32 bits of the selected shared memory region's length (all ones: none).</summary>
    public const int ShmLenLow = 0x0b0;

    /// <summary>R: high 32 bits of the selected shared memory region's length.</summary>
    public const int ShmLenHigh = 0x0b4;

    /// <summary>R: low 32 bits of the selected shared memory region's base.</summary>
    public const int ShmBaseLow = 0x0b8;

    /// <summary>R: high 32 bits of the selected shared memory region's base.</summary>
    public const int ShmBaseHigh = 0x0bc;

    /// <summary>RW: per-queue reset (VIRTIO_F_RING_RESET; not offered, ignored).</summary>
    public const int QueueReset = 0x0c0;

    /// <summary>R: changes whenever the configuration space may have changed.</summary>
    public const int ConfigGeneration = 0x0fc;

    /// <summary>The start of the device configuration space.</summary>
    public const int Config = 0x100;
}
