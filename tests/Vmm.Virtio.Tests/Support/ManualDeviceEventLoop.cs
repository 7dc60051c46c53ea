using System.Runtime.InteropServices;
using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

/// <summary>An <see cref="IDeviceEventLoop"/> whose timers the test fires by hand (no descriptors).</summary>
public sealed class ManualDeviceEventLoop : IDeviceEventLoop
{
    public List<ManualTimer> Timers { get; } = [];

    public IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback) =>
        throw new NotSupportedException("This fake only has timers.");

    public IDeviceTimer CreateTimer(Action callback)
    {
        var timer = new ManualTimer(callback);
        Timers.Add(timer);
        return timer;
    }
}
