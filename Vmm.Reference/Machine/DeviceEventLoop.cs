using System.Runtime.InteropServices;
using Vmm.Devices;
using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// The device packages' <see cref="IDeviceEventLoop"/> over Vmm.Kvm's epoll <see cref="EventLoop"/> and timerfds: how a
/// tap, a socket or a periodic timer wakes a device on the VMM's one event-loop thread (Vmm.Devices and Vmm.Virtio
/// cannot see Vmm.Kvm, so the VMM bridges the two).
/// </summary>
internal sealed class DeviceEventLoop(EventLoop loop) : IDeviceEventLoop
{
    private const DeviceEvents Known = DeviceEvents.Readable | DeviceEvents.Writable | DeviceEvents.Error | DeviceEvents.HangUp;

    public IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(callback);
        loop.Add(handle, ToKinds(events), kinds => callback((DeviceEvents)kinds & Known));
        return new Registration(loop, handle);
    }

    public IDeviceTimer CreateTimer(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new TimerFd();
        try
        {
            loop.Add(timer.Handle, EventKinds.Readable, ready =>
            {
                if (timer.TryRead(out ulong expirations) && expirations > 0)
                {
                    callback();
                }
            });
        }
        catch
        {
            timer.Dispose();
            throw;
        }

        return new Timer(loop, timer);
    }

    private static EventKinds ToKinds(DeviceEvents events) => (EventKinds)(events & Known);

    private sealed class Registration(EventLoop loop, SafeHandle handle) : IDeviceEventRegistration
    {
        private int _disposed;

        public void Modify(DeviceEvents events)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            loop.Modify(handle, ToKinds(events));
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                loop.Remove(handle);
            }
        }
    }

    private sealed class Timer(EventLoop loop, TimerFd timer) : IDeviceTimer
    {
        private int _disposed;

        public void Arm(TimeSpan dueTime, TimeSpan period) => timer.Arm(dueTime, period);

        public void Disarm()
        {
            timer.Disarm();
            _ = timer.TryRead(out _);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                loop.Remove(timer.Handle);
                timer.Dispose();
            }
        }
    }
}
