using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>
/// A Linux timerfd on the monotonic clock (opened with TFD_CLOEXEC and TFD_NONBLOCK): becomes readable when it expires,
/// so an <see cref="EventLoop"/> can wait on timers and descriptors alike.
/// </summary>
public sealed unsafe class TimerFd : IDisposable
{
    /// <summary>Creates a disarmed timer.</summary>
    public TimerFd()
    {
        var fd = Sys.Check(Libc.TimerFdCreate(Libc.CLOCK_MONOTONIC, Libc.TFD_CLOEXEC | Libc.TFD_NONBLOCK), "timerfd_create");
        Handle = new FileDescriptorHandle(fd, ownsHandle: true);
    }

    /// <summary>The descriptor.</summary>
    public FileDescriptorHandle Handle { get; }

    /// <summary>Arms the timer: first expiry after <paramref name="dueTime"/>, then every <paramref name="period"/> (<see cref="TimeSpan.Zero"/>: once).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueTime"/> is not positive or <paramref name="period"/> is negative.</exception>
    public void Arm(TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(dueTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
        var spec = new ITimerSpec();
        Split(dueTime, out spec.ValueSeconds, out spec.ValueNanoseconds);
        Split(period, out spec.IntervalSeconds, out spec.IntervalNanoseconds);
        Set(&spec);
    }

    /// <summary>Disarms the timer.</summary>
    public void Disarm()
    {
        var spec = new ITimerSpec();
        Set(&spec);
    }

    /// <summary>Reads and resets the expiration count.</summary>
    /// <param name="expirations">Expirations since the last read.</param>
    /// <returns>False when the timer has not expired since the last read.</returns>
    public bool TryRead(out ulong expirations)
    {
        ulong v = 0;
        var added = false;
        Handle.DangerousAddRef(ref added);
        try
        {
            while (Libc.Read(Handle.Fd, &v, sizeof(ulong)) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    expirations = 0;
                    return false;
                }

                if (errno != Libc.EINTR)
                {
                    throw new KvmException("read(timerfd)", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                Handle.DangerousRelease();
            }
        }

        expirations = v;
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    private void Set(ITimerSpec* spec)
    {
        var added = false;
        Handle.DangerousAddRef(ref added);
        try
        {
            Sys.Check(Libc.TimerFdSetTime(Handle.Fd, 0, spec, null), "timerfd_settime");
        }
        finally
        {
            if (added)
            {
                Handle.DangerousRelease();
            }
        }
    }

    private static void Split(TimeSpan time, out long seconds, out long nanoseconds)
    {
        long ticks = time.Ticks;
        seconds = ticks / TimeSpan.TicksPerSecond;
        nanoseconds = ticks % TimeSpan.TicksPerSecond * 100;
    }
}
