namespace Vmm.Virtio;

/// <summary>What a device asks of the transport it is plugged into.</summary>
internal interface IVirtioTransportSink
{
    void Interrupt(VirtioInterrupt reason);

    void ConfigChanged();

    void DeviceNeedsReset();
}
