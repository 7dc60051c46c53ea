using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>
/// An epoll-based event loop for a VMM's device I/O thread. Each descriptor has exactly one subscriber; callbacks run on the
/// thread calling <see cref="RunOnce"/> or <see cref="Run"/>; <see cref="Wake"/> and <see cref="Stop"/> may be called from
/// any thread. Dispatch does not allocate.
/// </summary>
public sealed unsafe class EventLoop : IDisposable
{
    private const ulong WakeToken = ulong.MaxValue;
    private readonly FileDescriptorHandle _epoll;
    private readonly EventFd _wake;
    private readonly Dictionary<int, (SafeHandle Handle, IEventSubscriber Subscriber)> _subscribers = [];
    private readonly Lock _gate = new();
    private readonly EpollEvent* _events;
    private readonly int _maxEvents;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Creates the loop (epoll_create1 with EPOLL_CLOEXEC) with its wake-up eventfd.</summary>
    /// <param name="maxEventsPerWait">How many ready descriptors one wait returns at most.</param>
    public EventLoop(int maxEventsPerWait = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventsPerWait, 1);
        _epoll = new FileDescriptorHandle(Sys.Check(Libc.EpollCreate1(Libc.EPOLL_CLOEXEC), "epoll_create1"), ownsHandle: true);
        _wake = new EventFd(nonBlocking: true);
        _maxEvents = maxEventsPerWait;
        _events = (EpollEvent*)NativeMemory.AllocZeroed((nuint)(maxEventsPerWait * sizeof(EpollEvent)));
        var ev = new EpollEvent { Events = (uint)EventKinds.Readable, Data = WakeToken };
        Sys.Check(Libc.EpollCtl(_epoll.Fd, Libc.EPOLL_CTL_ADD, _wake.Handle.Fd, &ev), "epoll_ctl(ADD)");
    }

    /// <summary>Number of registered descriptors (excluding the internal wake-up eventfd).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Registers <paramref name="handle"/> with its one subscriber.</summary>
    /// <param name="handle">The descriptor (kept open while registered).</param>
    /// <param name="events">The events of interest.</param>
    /// <param name="subscriber">The subscriber.</param>
    /// <exception cref="InvalidOperationException">The descriptor already has a subscriber.</exception>
    public void Add(SafeHandle handle, EventKinds events, IEventSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(subscriber);
        var added = false;
        handle.DangerousAddRef(ref added);
        var fd = (int)handle.DangerousGetHandle();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_subscribers.ContainsKey(fd))
            {
                handle.DangerousRelease();
                throw new InvalidOperationException($"descriptor {fd} already has a subscriber");
            }

            var ev = new EpollEvent { Events = (uint)events, Data = (ulong)fd };
            if (Libc.EpollCtl(_epoll.Fd, Libc.EPOLL_CTL_ADD, fd, &ev) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                handle.DangerousRelease();
                throw new KvmException("epoll_ctl(ADD)", errno);
            }

            _subscribers.Add(fd, (handle, subscriber));
        }
    }

    /// <summary>Registers <paramref name="handle"/> with a callback.</summary>
    /// <param name="handle">The descriptor.</param>
    /// <param name="events">The events of interest.</param>
    /// <param name="callback">Called with the ready events.</param>
    public void Add(SafeHandle handle, EventKinds events, Action<EventKinds> callback) => Add(handle, events, new ActionSubscriber(callback));

    /// <summary>Changes the events of interest of a registered descriptor.</summary>
    /// <param name="handle">The descriptor.</param>
    /// <param name="events">The events.</param>
    public void Modify(SafeHandle handle, EventKinds events)
    {
        var fd = (int)handle.DangerousGetHandle();
        lock (_gate)
        {
            if (!_subscribers.ContainsKey(fd))
            {
                throw new InvalidOperationException($"descriptor {fd} is not registered");
            }

            var ev = new EpollEvent { Events = (uint)events, Data = (ulong)fd };
            Sys.Check(Libc.EpollCtl(_epoll.Fd, Libc.EPOLL_CTL_MOD, fd, &ev), "epoll_ctl(MOD)");
        }
    }

    /// <summary>Unregisters a descriptor.</summary>
    /// <param name="handle">The descriptor.</param>
    /// <returns>False when it was not registered.</returns>
    public bool Remove(SafeHandle handle)
    {
        var fd = (int)handle.DangerousGetHandle();
        lock (_gate)
        {
            if (!_subscribers.Remove(fd, out var entry))
            {
                return false;
            }

            _ = Libc.EpollCtl(_epoll.Fd, Libc.EPOLL_CTL_DEL, fd, null);
            entry.Handle.DangerousRelease();
            return true;
        }
    }

    /// <summary>Waits once and dispatches the ready descriptors.</summary>
    /// <param name="timeoutMilliseconds">-1 waits forever, 0 polls.</param>
    /// <returns>The number of subscribers called.</returns>
    public int RunOnce(int timeoutMilliseconds = -1)
    {
        int n;
        while (true)
        {
            n = Libc.EpollWait(_epoll.Fd, _events, _maxEvents, timeoutMilliseconds);
            if (n >= 0)
            {
                break;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                throw new KvmException("epoll_wait", errno);
            }
        }

        var dispatched = 0;
        for (var i = 0; i < n; i++)
        {
            var data = _events[i].Data;
            if (data == WakeToken)
            {
                _wake.TryRead(out _);
                continue;
            }

            IEventSubscriber? subscriber;
            lock (_gate)
            {
                subscriber = _subscribers.TryGetValue((int)data, out var entry) ? entry.Subscriber : null;
            }

            if (subscriber is not null)
            {
                subscriber.OnEvent((EventKinds)_events[i].Events);
                dispatched++;
            }
        }

        return dispatched;
    }

    /// <summary>Dispatches events until <see cref="Stop"/> is called.</summary>
    public void Run()
    {
        while (!_stopping)
        {
            RunOnce();
        }
    }

    /// <summary>Wakes a thread blocked in <see cref="RunOnce"/> (from any thread).</summary>
    public void Wake() => _wake.Write();

    /// <summary>Makes <see cref="Run"/> return after the current dispatch (from any thread).</summary>
    public void Stop()
    {
        _stopping = true;
        Wake();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var entry in _subscribers.Values)
            {
                entry.Handle.DangerousRelease();
            }

            _subscribers.Clear();
        }

        _wake.Dispose();
        _epoll.Dispose();
        NativeMemory.Free(_events);
    }
}
