namespace Vmm.Devices.Testing;

/// <summary>
/// An <see cref="IInterruptLine"/> for tests: remembers the line's level, counts interrupts delivered
/// (rising edges and pulses) and keeps every call in order. Thread-safe.
/// </summary>
public sealed class InterruptRecorder : IInterruptLine
{
    private readonly Lock _lock = new();
    private readonly List<InterruptLineEvent> _events = [];
    private bool _isRaised;
    private int _interruptCount;

    /// <summary>Whether the line is asserted (the last level call was <see cref="Raise"/>).</summary>
    public bool IsRaised
    {
        get
        {
            lock (_lock)
            {
                return _isRaised;
            }
        }
    }

    /// <summary>How many interrupts an edge-triggered controller would have seen: low-to-high transitions plus pulses.</summary>
    public int InterruptCount
    {
        get
        {
            lock (_lock)
            {
                return _interruptCount;
            }
        }
    }

    /// <summary>A copy of every call so far, oldest first.</summary>
    public IReadOnlyList<InterruptLineEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <inheritdoc/>
    public void Raise()
    {
        lock (_lock)
        {
            _events.Add(InterruptLineEvent.Raise);
            if (!_isRaised)
            {
                _interruptCount++;
            }

            _isRaised = true;
        }
    }

    /// <inheritdoc/>
    public void Lower()
    {
        lock (_lock)
        {
            _events.Add(InterruptLineEvent.Lower);
            _isRaised = false;
        }
    }

    /// <inheritdoc/>
    public void Pulse()
    {
        lock (_lock)
        {
            _events.Add(InterruptLineEvent.Pulse);
            _interruptCount++;
        }
    }

    /// <summary>Forgets the recorded calls and the count; keeps the level.</summary>
    public void ClearHistory()
    {
        lock (_lock)
        {
            _events.Clear();
            _interruptCount = 0;
        }
    }
}
