using Vmm.Devices;

namespace Vmm.Virtio.RateLimiting;

/// <summary>
/// A <see cref="RateLimiter"/> bound to one queue of a device and a timer of the VMM's event loop: when a consume is
/// refused the queue is blocked and the timer armed for the moment the buckets can pay; when it fires the device is
/// called back (on the event-loop thread) to resume the queue. No polling: nothing runs while blocked.
/// </summary>
/// <remarks>Used under the device's queue lock, except the timer callback, which only clears the blocked flag before calling the device.</remarks>
public sealed class QueueRateLimit : IDisposable
{
    private IDeviceTimer? _timer;
    private volatile bool _blocked;
    private long _throttled;

    /// <summary>Binds <paramref name="limiter"/> to a queue.</summary>
    public QueueRateLimit(RateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        Limiter = limiter;
    }

    /// <summary>The limiter.</summary>
    public RateLimiter Limiter { get; }

    /// <summary>Whether the queue waits for the timer.</summary>
    public bool IsBlocked => _blocked;

    /// <summary>How many times the queue was blocked.</summary>
    public long ThrottledCount => Interlocked.Read(ref _throttled);

    /// <summary>Creates the timer (on device activation); <paramref name="onRefilled"/> runs on the event-loop thread when the queue may resume.</summary>
    /// <exception cref="InvalidOperationException">Already attached.</exception>
    public void Attach(IDeviceEventLoop events, Action onRefilled)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(onRefilled);
        if (_timer is not null)
        {
            throw new InvalidOperationException("The rate limit is already attached to a timer.");
        }

        _timer = events.CreateTimer(() =>
        {
            _blocked = false;
            onRefilled();
        });
    }

    /// <summary>Releases the timer and unblocks (on device reset).</summary>
    public void Detach()
    {
        _timer?.Dispose();
        _timer = null;
        _blocked = false;
    }

    /// <summary>
    /// Pays for one operation of <paramref name="bytes"/> bytes. False while blocked, or when the buckets cannot pay:
    /// then the queue is blocked and the timer armed; the caller keeps the request and retries when called back.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not attached to a timer.</exception>
    public bool TryConsume(long bytes, long operations = 1)
    {
        if (_blocked)
        {
            return false;
        }

        if (Limiter.TryConsume(bytes, operations, out var retryAfter))
        {
            return true;
        }

        var timer = _timer ?? throw new InvalidOperationException("The rate limit is not attached to a timer.");
        _blocked = true;
        Interlocked.Increment(ref _throttled);
        timer.Arm(retryAfter, TimeSpan.Zero);
        return false;
    }

    /// <summary>Releases the timer.</summary>
    public void Dispose() => Detach();
}
