using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

/// <summary>A timer of the <see cref="TestEventLoop"/>: fires only through <see cref="TestEventLoop.FireTimers"/>.</summary>
public sealed class TestTimer(Action callback) : IDeviceTimer
{
    public Action Callback { get; } = callback;

    public bool Armed { get; set; }

    public TimeSpan DueTime { get; private set; }

    public bool Disposed { get; private set; }

    public void Arm(TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(dueTime, TimeSpan.Zero);
        DueTime = dueTime;
        Armed = true;
    }

    public void Disarm() => Armed = false;

    public void Dispose()
    {
        Disposed = true;
        Armed = false;
    }
}
