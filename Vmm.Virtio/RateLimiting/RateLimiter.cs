namespace Vmm.Virtio.RateLimiting;

/// <summary>
/// Firecracker's rate limiter: a bandwidth bucket (bytes) and an operations bucket, either optional. An operation
/// passes only when both buckets can pay for it, and then both pay; otherwise nothing is taken and the caller learns
/// how long to wait (the device stops the queue and arms a timer, see <see cref="QueueRateLimit"/>).
/// </summary>
/// <remarks>Not thread-safe: a device uses it under its queue lock. Allocation-free.</remarks>
public sealed class RateLimiter
{
    private readonly TimeProvider _time;

    /// <summary>Creates a limiter with full buckets.</summary>
    /// <param name="options">The buckets.</param>
    /// <param name="time">The clock (<see cref="TimeProvider.System"/> by default).</param>
    public RateLimiter(RateLimiterOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time ?? TimeProvider.System;
        Bandwidth = options.Bandwidth is { } b ? new TokenBucket(b, _time) : null;
        Operations = options.Operations is { } o ? new TokenBucket(o, _time) : null;
    }

    /// <summary>The bandwidth bucket, or null.</summary>
    public TokenBucket? Bandwidth { get; }

    /// <summary>The operations bucket, or null.</summary>
    public TokenBucket? Operations { get; }

    /// <summary>Takes <paramref name="bytes"/> and <paramref name="operations"/> tokens when both buckets have them; otherwise nothing.</summary>
    /// <param name="bytes">Bandwidth tokens.</param>
    /// <param name="operations">Operation tokens.</param>
    /// <param name="retryAfter">On failure, the time after which the same request succeeds.</param>
    public bool TryConsume(long bytes, long operations, out TimeSpan retryAfter)
    {
        long now = _time.GetTimestamp();
        long bytesWait = Bandwidth?.WaitTicks(bytes, now) ?? 0;
        long opsWait = Operations?.WaitTicks(operations, now) ?? 0;
        if (bytesWait == 0 && opsWait == 0)
        {
            Bandwidth?.Commit(bytes);
            Operations?.Commit(operations);
            retryAfter = TimeSpan.Zero;
            return true;
        }

        var a = bytesWait == 0 ? TimeSpan.Zero : Bandwidth!.ToTimeSpan(bytesWait);
        var b = opsWait == 0 ? TimeSpan.Zero : Operations!.ToTimeSpan(opsWait);
        retryAfter = a > b ? a : b;
        return false;
    }
}
