namespace Vmm.Devices;

/// <summary>A descriptor watched by an <see cref="IDeviceEventLoop"/>. Dispose to stop watching.</summary>
public interface IDeviceEventRegistration : IDisposable
{
    /// <summary>Changes the events of interest (for example, stop asking for <see cref="DeviceEvents.Readable"/> while the guest has posted no receive buffers).</summary>
    void Modify(DeviceEvents events);
}
