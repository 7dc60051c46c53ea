using System.Runtime.InteropServices;
using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

/// <summary>A watch of the <see cref="TestEventLoop"/>.</summary>
public sealed class TestEventRegistration(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback) : IDeviceEventRegistration
{
    public SafeHandle Handle { get; } = handle;

    public DeviceEvents Events { get; private set; } = events;

    public Action<DeviceEvents> Callback { get; } = callback;

    public bool Disposed { get; private set; }

    public int Modifications { get; private set; }

    public void Modify(DeviceEvents events)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        Events = events;
        Modifications++;
    }

    public void Dispose() => Disposed = true;
}
