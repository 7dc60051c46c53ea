using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

/// <summary>An <see cref="IDeviceTimer"/> that the test fires by hand, recording how it was armed.</summary>
public sealed class ManualTimer(Action callback) : IDeviceTimer
{
    public TimeSpan DueTime { get; private set; }

    public TimeSpan Period { get; private set; }

    public bool IsArmed { get; private set; }

    public bool IsDisposed { get; private set; }

    public void Arm(TimeSpan dueTime, TimeSpan period)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        DueTime = dueTime;
        Period = period;
        IsArmed = true;
    }

    public void Disarm() => IsArmed = false;

    public void Dispose()
    {
        IsArmed = false;
        IsDisposed = true;
    }

    /// <summary>Delivers one expiry, as the event loop would, if the timer is armed.</summary>
    public void Fire()
    {
        if (IsArmed && !IsDisposed)
        {
            IsArmed = Period > TimeSpan.Zero;
            callback();
        }
    }
}
