using System.Runtime.InteropServices;
using Vmm.Devices;

namespace Vmm.Benchmarks.Virtio;

/// <summary>An event loop that only records the device's callback, for a benchmark to call as the VMM's loop would.</summary>
internal sealed class CapturingEventLoop : IDeviceEventLoop
{
    public Action<DeviceEvents>? Callback { get; private set; }

    public IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback)
    {
        Callback = callback;
        return new Registration();
    }

    public IDeviceTimer CreateTimer(Action callback) => new Timer();

    private sealed class Registration : IDeviceEventRegistration
    {
        public void Modify(DeviceEvents events)
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class Timer : IDeviceTimer
    {
        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
        }

        public void Disarm()
        {
        }

        public void Dispose()
        {
        }
    }
}
