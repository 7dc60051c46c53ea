namespace Vmm.Devices.BootProgress;

/// <summary>
/// Firecracker's boot-timer MMIO byte: the guest's init writes <see cref="InitReachedMagic"/> (123) to it, marking
/// the moment the guest reached userspace; the device reports the time since VM start once.
/// </summary>
/// <remarks>Any MMIO length works (Firecracker maps a page); every offset behaves the same. Reads return zero.</remarks>
public sealed class BootTimer : IMmioDevice
{
    /// <summary>The value that marks "guest init reached".</summary>
    public const byte InitReachedMagic = 123;

    /// <summary>Firecracker's guest-physical address for the byte.</summary>
    public const ulong FirecrackerAddress = 0xC000_0000;

    private readonly TimeProvider _time;
    private readonly long _start;
    private long _initReachedTicks = -1;

    /// <summary>Creates the timer; its clock starts now (create it when the VM starts).</summary>
    public BootTimer(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _start = _time.GetTimestamp();
    }

    /// <summary>Raised once, on the vCPU thread, with the time since VM start, when the guest first writes 123.</summary>
    public event EventHandler<TimeSpan>? InitReached;

    /// <summary>Time from VM start to the guest's first 123 write, or null before it.</summary>
    public TimeSpan? InitReachedAfter
    {
        get
        {
            long ticks = Interlocked.Read(ref _initReachedTicks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }
    }

    /// <inheritdoc/>
    public void Read(ulong offset, Span<byte> data) => data.Clear();

    /// <inheritdoc/>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[0] != InitReachedMagic)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(_start);
        if (Interlocked.CompareExchange(ref _initReachedTicks, elapsed.Ticks, -1) == -1)
        {
            InitReached?.Invoke(this, elapsed);
        }
    }

    /// <summary>Captures the timer's state.</summary>
    public BootTimerState CaptureState() => new() { InitReachedAfter = InitReachedAfter };

    /// <summary>Restores a captured state.</summary>
    public void RestoreState(BootTimerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Interlocked.Exchange(ref _initReachedTicks, state.InitReachedAfter is { } after ? Math.Max(0, after.Ticks) : -1);
    }
}
