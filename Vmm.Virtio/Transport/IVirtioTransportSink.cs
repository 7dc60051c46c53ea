namespace Vmm.Virtio;

/// <summary>
/// What an activated device asks of the transport it is plugged into, through its <see cref="VirtioDeviceContext"/>.
/// <see cref="VirtioCommonConfig"/> implements it for every transport built on it; a transport written from scratch
/// implements it itself.
/// </summary>
public interface IVirtioTransportSink
{
    /// <summary>The device put buffers on the used ring of <paramref name="queueIndex"/> and the driver wants to be told.</summary>
    void SignalUsedQueue(int queueIndex);

    /// <summary>The device configuration changed: bump the config generation and raise a configuration-change interrupt.</summary>
    void ConfigChanged();

    /// <summary>The device met a fatal error: set DEVICE_NEEDS_RESET and raise a configuration-change interrupt.</summary>
    void DeviceNeedsReset();
}
