namespace Vmm.Virtio;

/// <summary>The device status field (VIRTIO 1.2 §2.1).</summary>
[Flags]
public enum DeviceStatus : byte
{
    /// <summary>Reset / not yet seen by a driver.</summary>
    None = 0,

    /// <summary>The guest noticed the device.</summary>
    Acknowledge = 1,

    /// <summary>The guest knows how to drive it.</summary>
    Driver = 2,

    /// <summary>The driver is set up and ready to drive the device.</summary>
    DriverOk = 4,

    /// <summary>Feature negotiation is complete (latched only when the device accepts the driver's features).</summary>
    FeaturesOk = 8,

    /// <summary>The device met an error it cannot recover from; the driver must reset it.</summary>
    DeviceNeedsReset = 0x40,

    /// <summary>The driver gave up on the device.</summary>
    Failed = 0x80,
}
