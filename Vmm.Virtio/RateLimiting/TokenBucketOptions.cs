namespace Vmm.Virtio.RateLimiting;

/// <summary>
/// One token bucket as Firecracker describes it: it holds up to <see cref="Size"/> tokens, starts full, refills from
/// empty to full in <see cref="RefillTime"/> (so the long-run rate is <see cref="Size"/> per <see cref="RefillTime"/>),
/// and has a <see cref="OneTimeBurst"/> of extra tokens that are spent first and never come back.
/// </summary>
public sealed record TokenBucketOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="size">The bucket size in tokens (bytes or operations); positive.</param>
    /// <param name="refillTime">The time to refill an empty bucket; positive.</param>
    /// <param name="oneTimeBurst">Extra tokens available once, at the start; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public TokenBucketOptions(long size, TimeSpan refillTime, long oneTimeBurst = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refillTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(oneTimeBurst);
        Size = size;
        RefillTime = refillTime;
        OneTimeBurst = oneTimeBurst;
    }

    /// <summary>The bucket size in tokens.</summary>
    public long Size { get; }

    /// <summary>The time to refill an empty bucket.</summary>
    public TimeSpan RefillTime { get; }

    /// <summary>Extra tokens spent before the bucket's own, once.</summary>
    public long OneTimeBurst { get; }

    /// <summary>A bucket for <paramref name="perSecond"/> tokens per second that holds one second's worth.</summary>
    public static TokenBucketOptions PerSecond(long perSecond, long oneTimeBurst = 0) => new(perSecond, TimeSpan.FromSeconds(1), oneTimeBurst);
}
