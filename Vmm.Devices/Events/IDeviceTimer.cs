namespace Vmm.Devices;

/// <summary>A timer of an <see cref="IDeviceEventLoop"/> (monotonic clock). Dispose to release it.</summary>
public interface IDeviceTimer : IDisposable
{
    /// <summary>Arms the timer: the first expiry after <paramref name="dueTime"/>, then every <paramref name="period"/> (<see cref="TimeSpan.Zero"/>: once).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueTime"/> is not positive or <paramref name="period"/> is negative.</exception>
    void Arm(TimeSpan dueTime, TimeSpan period);

    /// <summary>Disarms the timer; a pending expiry is not delivered.</summary>
    void Disarm();
}
