namespace Vmm.Virtio;

/// <summary>
/// The base of a virtio device model. A device says what it is (<see cref="DeviceType"/>, <see cref="DeviceFeatures"/>,
/// configuration space, queue count and sizes), reacts to activation and reset, and handles queue notifications —
/// usually by overriding <see cref="HandleChain"/> and letting <see cref="ProcessChains"/> run the pop/complete/notify loop.
/// </summary>
/// <remarks>
/// The transport calls <see cref="ProcessQueue"/>, activation and reset with <see cref="QueueLock"/> held, so a device's
/// queue processing never runs on two threads at once; device-side producers (such as an input pump) take the same lock.
/// </remarks>
public abstract class VirtioDevice
{
    private VirtioDeviceContext? _context;
    private DescriptorChain[]? _held;
    private bool[]? _isHeld;

    /// <summary>The device ID.</summary>
    public abstract VirtioDeviceType DeviceType { get; }

    /// <summary>The number of virtqueues.</summary>
    public abstract int QueueCount { get; }

    /// <summary>The size of the device configuration space in bytes.</summary>
    public abstract int ConfigSize { get; }

    /// <summary>The features offered to the driver: <see cref="DeviceFeatures"/> plus <see cref="VirtioFeatures.Standard"/>.</summary>
    public virtual ulong OfferedFeatures => DeviceFeatures | VirtioFeatures.Standard;

    /// <summary>Whether the driver has set DRIVER_OK and the device is live.</summary>
    public bool IsActivated => _context is not null;

    /// <summary>
    /// The lock that serialises queue processing, activation and reset. Transports hold it around <see cref="Activate"/>,
    /// <see cref="Reset"/> and queue processing; device-side producers (an input pump, a host descriptor becoming ready) take it too.
    /// </summary>
    public Lock QueueLock { get; } = new();

    /// <summary>The device-specific feature bits (0–23 and any others it supports).</summary>
    protected abstract ulong DeviceFeatures { get; }

    /// <summary>The activation context, or null while not activated.</summary>
    protected VirtioDeviceContext? Context => _context;

    /// <summary>The maximum size of queue <paramref name="queueIndex"/> (a power of two ≤ 32768).</summary>
    public virtual ushort GetQueueMaxSize(int queueIndex) => 256;

    /// <summary>Fills <paramref name="data"/> from the configuration space at <paramref name="offset"/> (the range is inside <see cref="ConfigSize"/>).</summary>
    public virtual void ReadConfig(int offset, Span<byte> data) => data.Clear();

    /// <summary>Handles a driver write to the configuration space (the range is inside <see cref="ConfigSize"/>); ignored by default.</summary>
    public virtual void WriteConfig(int offset, ReadOnlySpan<byte> data)
    {
    }

    /// <summary>
    /// Activates the device on DRIVER_OK (a transport calls it with <see cref="QueueLock"/> held); returns false when the
    /// device refuses, and the transport then reports DEVICE_NEEDS_RESET.
    /// </summary>
    /// <exception cref="InvalidOperationException">The device is already activated.</exception>
    public bool Activate(VirtioDeviceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null)
        {
            throw new InvalidOperationException("The device is already activated; reset it first.");
        }

        _context = context;
        if (!OnActivate(context))
        {
            _context = null;
            return false;
        }

        return true;
    }

    /// <summary>Returns an activated device to its reset state (a transport calls it with <see cref="QueueLock"/> held on a driver reset); nothing for a device that is not activated.</summary>
    public void Reset()
    {
        if (_context is not null)
        {
            OnReset();
            _context = null;
            if (_isHeld is not null)
            {
                Array.Clear(_isHeld);
                Array.Clear(_held!);
            }
        }
    }

    /// <summary>Handles a notification for queue <paramref name="queueIndex"/> (called with <see cref="QueueLock"/> held, only while activated and the queue is ready).</summary>
    protected internal abstract void ProcessQueue(int queueIndex);

    /// <summary>Called on DRIVER_OK; return false to refuse (the transport then reports DEVICE_NEEDS_RESET).</summary>
    protected virtual bool OnActivate(VirtioDeviceContext context) => true;

    /// <summary>Called when the driver resets an activated device: drop every reference to the queues and guest memory.</summary>
    protected virtual void OnReset()
    {
    }

    /// <summary>
    /// Handles one valid chain and returns the number of bytes written into it (the used length). Used by <see cref="ProcessChains"/>.
    /// </summary>
    protected virtual uint HandleChain(int queueIndex, in DescriptorChain chain) =>
        throw new NotSupportedException($"{GetType().Name} does not handle chains of queue {queueIndex} through HandleChain.");

    /// <summary>
    /// Whether <see cref="ProcessChains"/> may handle <paramref name="chain"/> now. Returning false holds the chain
    /// (popped, not completed) and stops the queue with notifications off; the next <see cref="ProcessChains"/> call
    /// — typically from a rate limiter's timer — offers the same chain again first. Admits everything by default.
    /// </summary>
    protected virtual bool AdmitChain(int queueIndex, in DescriptorChain chain) => true;

    /// <summary>Called by <see cref="ProcessChains"/> for each malformed chain it returns with length 0 (for the device's counters).</summary>
    protected virtual void OnMalformedChain(int queueIndex, QueueError error)
    {
    }

    /// <summary>
    /// The standard processing loop: with notifications disabled, pop every available chain, let <see cref="AdmitChain"/>
    /// hold it back or hand it to <see cref="HandleChain"/> and put it on the used ring; malformed chains go back with
    /// length 0 (counted in the queue's <see cref="SplitQueue.Errors"/> and reported to <see cref="OnMalformedChain"/>);
    /// re-enable notifications and repeat while the driver added more; then interrupt the driver if it wants one. A
    /// fatal queue error sets DEVICE_NEEDS_RESET.
    /// </summary>
    protected void ProcessChains(int queueIndex)
    {
        var context = _context ?? throw new InvalidOperationException("The device is not activated.");
        var queue = context.Queues[queueIndex];
        bool completed = false;
        do
        {
            queue.DisableNotification();
            while (true)
            {
                QueueError error;
                if (TakeHeld(queueIndex, out var chain) || queue.TryPop(out chain, out error))
                {
                    if (!AdmitChain(queueIndex, chain))
                    {
                        Hold(queueIndex, chain);
                        if (completed)
                        {
                            context.SignalUsedQueue(queueIndex);
                        }

                        return;
                    }

                    uint length = HandleChain(queueIndex, chain);
                    error = queue.AddUsed(chain.HeadIndex, length);
                }
                else if (error == QueueError.None)
                {
                    break;
                }
                else if (chain.HasUsableHead && error.IsChainError())
                {
                    OnMalformedChain(queueIndex, error);
                    error = queue.AddUsed(chain.HeadIndex, 0);
                }

                if (error.IsFatal() || error == QueueError.QueueNotReady)
                {
                    if (completed)
                    {
                        context.SignalUsedQueue(queueIndex);
                    }

                    context.RequestReset();
                    return;
                }

                completed = true;
            }
        }
        while (queue.EnableNotification());

        if (completed)
        {
            context.SignalUsedQueue(queueIndex);
        }
    }

    private bool TakeHeld(int queueIndex, out DescriptorChain chain)
    {
        if (_isHeld is not null && _isHeld[queueIndex])
        {
            _isHeld[queueIndex] = false;
            chain = _held![queueIndex];
            return true;
        }

        chain = default;
        return false;
    }

    private void Hold(int queueIndex, in DescriptorChain chain)
    {
        _held ??= new DescriptorChain[QueueCount];
        _isHeld ??= new bool[QueueCount];
        _held[queueIndex] = chain;
        _isHeld[queueIndex] = true;
    }
}
