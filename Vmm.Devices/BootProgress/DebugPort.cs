namespace Vmm.Devices.BootProgress;

/// <summary>
/// The POST/debug port 0x80: every byte the guest writes is timestamped relative to the VM's start and kept in a
/// bounded log of the most recent writes (Cloud Hypervisor's convention: 0x40 kernel start, 0x41 userspace).
/// </summary>
/// <remarks>
/// Reads return the last byte written, as a POST card shows it. Old kernels use port 0x80
/// writes as an I/O delay, so the log is bounded and recording costs no allocation; <see cref="Written"/> is raised
/// for each write on the vCPU thread.
/// </remarks>
public sealed class DebugPort : IPioDevice
{
    /// <summary>The port.</summary>
    public const ushort DefaultPort = 0x80;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly BootProgressMark[] _marks;
    private int _next;
    private long _total;
    private byte _last;

    /// <summary>Creates the port; its clock starts now (create it when the VM starts).</summary>
    /// <param name="timeProvider">The clock (the system clock when null).</param>
    /// <param name="capacity">How many recent writes the log keeps.</param>
    public DebugPort(TimeProvider? timeProvider = null, int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _time = timeProvider ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _marks = new BootProgressMark[capacity];
    }

    /// <summary>Raised on the vCPU thread for every write.</summary>
    public event EventHandler<BootProgressMark>? Written;

    /// <summary>All writes seen since creation.</summary>
    public long TotalWrites => Volatile.Read(ref _total);

    /// <inheritdoc/>
    public void Read(ushort offset, Span<byte> data)
    {
        lock (_lock)
        {
            data.Fill(_last);
        }
    }

    /// <inheritdoc/>
    public void Write(ushort offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var mark = new BootProgressMark(data[0], _time.GetElapsedTime(_start));
        lock (_lock)
        {
            _last = mark.Value;
            _marks[_next] = mark;
            _next = (_next + 1) % _marks.Length;
            _total++;
        }

        Written?.Invoke(this, mark);
    }

    /// <summary>The writes the log holds, oldest first.</summary>
    public BootProgressMark[] GetMarks() => CaptureState().Marks;

    /// <summary>Captures the log.</summary>
    public DebugPortState CaptureState()
    {
        lock (_lock)
        {
            int held = (int)Math.Min(_total, _marks.Length);
            var marks = new BootProgressMark[held];
            for (int i = 0; i < held; i++)
            {
                marks[i] = _marks[(_next - held + i + _marks.Length) % _marks.Length];
            }

            return new DebugPortState { Marks = marks, TotalWrites = _total };
        }
    }

    /// <summary>Restores a captured log (keeping the most recent marks that fit).</summary>
    public void RestoreState(DebugPortState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.Marks, nameof(state));
        lock (_lock)
        {
            var keep = state.Marks.AsSpan(Math.Max(0, state.Marks.Length - _marks.Length));
            keep.CopyTo(_marks);
            _next = keep.Length % _marks.Length;
            _total = Math.Max(state.TotalWrites, keep.Length);
            _last = keep.IsEmpty ? (byte)0 : keep[^1].Value;
        }
    }
}
