using System.Runtime.InteropServices;
using Vmm.Devices;
using Vmm.Tests.Shared;

namespace Vmm.Virtio.Tests.Support;

/// <summary>
/// A deterministic <see cref="IDeviceEventLoop"/> for tests: <see cref="RunUntilIdle"/> polls the watched descriptors
/// (poll(2)) and dispatches the ready ones on the calling thread; timers fire only when the test says so.
/// </summary>
public sealed unsafe class TestEventLoop : IDeviceEventLoop
{
    private readonly List<TestEventRegistration> _watches = [];
    private readonly List<TestTimer> _timers = [];

    /// <summary>Watches not disposed.</summary>
    public int ActiveWatches => _watches.Count(w => !w.Disposed);

    /// <summary>The timers created, disposed or not.</summary>
    public IReadOnlyList<TestTimer> Timers => _timers;

    /// <summary>How many callbacks ran.</summary>
    public int Dispatches { get; private set; }

    public IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback)
    {
        if (_watches.Any(w => !w.Disposed && w.Handle == handle))
        {
            throw new InvalidOperationException("already watched");
        }

        var registration = new TestEventRegistration(handle, events, callback);
        _watches.Add(registration);
        return registration;
    }

    public IDeviceTimer CreateTimer(Action callback)
    {
        var timer = new TestTimer(callback);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>The events the device currently asks for on <paramref name="handle"/> (null when not watched).</summary>
    public DeviceEvents? InterestOf(SafeHandle handle) => _watches.LastOrDefault(w => !w.Disposed && w.Handle == handle)?.Events;

    /// <summary>Dispatches ready descriptors until none is ready (waiting up to <paramref name="waitMs"/> for the first), at most <paramref name="maxRounds"/> rounds.</summary>
    public int RunUntilIdle(int waitMs = 0, int maxRounds = 10_000)
    {
        int dispatched = 0;
        for (int round = 0; round < maxRounds; round++)
        {
            bool any = false;
            foreach (var watch in _watches.ToArray())
            {
                if (watch.Disposed)
                {
                    continue;
                }

                var ready = Poll(watch, round == 0 ? waitMs : 0);
                if (ready != DeviceEvents.None)
                {
                    watch.Callback(ready);
                    Dispatches++;
                    dispatched++;
                    any = true;
                }
            }

            if (!any)
            {
                break;
            }
        }

        return dispatched;
    }

    /// <summary>Fires every armed timer once (the test moves its fake clock itself); returns how many fired.</summary>
    public int FireTimers()
    {
        int fired = 0;
        foreach (var timer in _timers.ToArray())
        {
            if (timer.Armed && !timer.Disposed)
            {
                timer.Armed = false;
                timer.Callback();
                fired++;
            }
        }

        return fired;
    }

    private static DeviceEvents Poll(TestEventRegistration watch, int waitMs)
    {
        short events = 0;
        if ((watch.Events & DeviceEvents.Readable) != 0)
        {
            events |= 1;
        }

        if ((watch.Events & DeviceEvents.Writable) != 0)
        {
            events |= 4;
        }

        var pfd = new SandboxInterop.PollFd { Fd = (int)watch.Handle.DangerousGetHandle(), Events = events };
        if (SandboxInterop.Poll(&pfd, 1, waitMs) <= 0)
        {
            return DeviceEvents.None;
        }

        return (DeviceEvents)(uint)(pfd.Revents & (1 | 4 | 8 | 16));
    }
}
