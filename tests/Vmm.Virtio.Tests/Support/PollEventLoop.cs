using System.Diagnostics;
using System.Runtime.InteropServices;
using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

/// <summary>
/// A single-threaded <see cref="IDeviceEventLoop"/> over poll(2) for device tests: the test thread calls
/// <see cref="RunOnce"/> to dispatch, as the VMM's event-loop thread would. Level-triggered like the VMM's epoll loop;
/// timers are deadlines checked after each wait. Counts dispatches per descriptor so tests can prove a device does not spin.
/// </summary>
public sealed partial class PollEventLoop : IDeviceEventLoop
{
    private readonly List<Registration> _registrations = [];
    private readonly List<Timer> _timers = [];

    /// <summary>The registered descriptors.</summary>
    public int Count => _registrations.Count;

    /// <summary>Callbacks made so far.</summary>
    public int Dispatches { get; private set; }

    public IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(callback);
        int fd = (int)handle.DangerousGetHandle();
        if (_registrations.Any(r => r.Fd == fd))
        {
            throw new InvalidOperationException($"descriptor {fd} already has a subscriber");
        }

        var registration = new Registration(this, handle, fd, events, callback);
        _registrations.Add(registration);
        return registration;
    }

    public IDeviceTimer CreateTimer(Action callback)
    {
        var timer = new Timer(this, callback);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (less when a timer is due) and dispatches; returns the callbacks made.</summary>
    public unsafe int RunOnce(int timeoutMilliseconds)
    {
        var snapshot = _registrations.ToArray();
        var fds = new PollFd[snapshot.Length];
        for (int i = 0; i < snapshot.Length; i++)
        {
            fds[i] = new PollFd { Fd = snapshot[i].Fd, Events = (short)snapshot[i].Events };
        }

        int timeout = timeoutMilliseconds;
        long now = Stopwatch.GetTimestamp();
        foreach (var timer in _timers.Where(t => t.Due != 0))
        {
            int untilDue = (int)Math.Ceiling(Math.Max(0, Stopwatch.GetElapsedTime(now, timer.Due).TotalMilliseconds));
            timeout = timeout < 0 ? untilDue : Math.Min(timeout, untilDue);
        }

        int ready;
        fixed (PollFd* p = fds)
        {
            do
            {
                ready = Poll(p, (nuint)fds.Length, timeout);
            }
            while (ready < 0 && Marshal.GetLastPInvokeError() == 4);
        }

        if (ready < 0)
        {
            throw new IOException($"poll failed: errno {Marshal.GetLastPInvokeError()}");
        }

        int dispatched = 0;
        for (int i = 0; i < snapshot.Length; i++)
        {
            if (fds[i].Revents != 0 && _registrations.Contains(snapshot[i]))
            {
                dispatched++;
                Dispatches++;
                snapshot[i].Dispatches++;
                snapshot[i].Callback((DeviceEvents)(ushort)fds[i].Revents);
            }
        }

        now = Stopwatch.GetTimestamp();
        foreach (var timer in _timers.Where(t => t.Due != 0 && t.Due <= now).ToArray())
        {
            timer.Due = timer.Period > TimeSpan.Zero ? now + (long)(timer.Period.TotalSeconds * Stopwatch.Frequency) : 0;
            dispatched++;
            Dispatches++;
            timer.Callback();
        }

        return dispatched;
    }

    /// <summary>Runs the loop until <paramref name="condition"/> holds; false when <paramref name="timeoutMilliseconds"/> passed first.</summary>
    public bool RunUntil(Func<bool> condition, int timeoutMilliseconds = 5000)
    {
        var start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            int left = timeoutMilliseconds - (int)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (left <= 0)
            {
                return false;
            }

            RunOnce(Math.Min(left, 20));
        }

        return true;
    }

    /// <summary>Dispatches whatever is ready now, repeatedly, until nothing is (bounded).</summary>
    public int Drain(int maxRounds = 1000)
    {
        int total = 0;
        for (int i = 0; i < maxRounds; i++)
        {
            int n = RunOnce(0);
            if (n == 0)
            {
                return total;
            }

            total += n;
        }

        return total;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private sealed class Registration(PollEventLoop loop, SafeHandle handle, int fd, DeviceEvents events, Action<DeviceEvents> callback) : IDeviceEventRegistration
    {
        public int Fd { get; } = fd;

        public DeviceEvents Events { get; private set; } = events;

        public Action<DeviceEvents> Callback { get; } = callback;

        public int Dispatches { get; set; }

        public SafeHandle Handle { get; } = handle;

        public void Modify(DeviceEvents events)
        {
            ObjectDisposedException.ThrowIf(!loop._registrations.Contains(this), this);
            Events = events;
        }

        public void Dispose() => loop._registrations.Remove(this);
    }

    private sealed class Timer(PollEventLoop loop, Action callback) : IDeviceTimer
    {
        public long Due { get; set; }

        public TimeSpan Period { get; private set; }

        public Action Callback { get; } = callback;

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(dueTime, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
            Period = period;
            Due = Stopwatch.GetTimestamp() + (long)(dueTime.TotalSeconds * Stopwatch.Frequency);
        }

        public void Disarm() => Due = 0;

        public void Dispose()
        {
            Due = 0;
            loop._timers.Remove(this);
        }
    }
}
