namespace Vmm.Virtio.RateLimiting;

/// <summary>
/// A token bucket with Firecracker's semantics: it starts full; a consume first spends the one-time burst, then the
/// bucket; it refills continuously at <see cref="Size"/> tokens per <see cref="RefillTime"/> (fractions carried, so the
/// long-run rate is exact) and never above <see cref="Size"/>. A request that cannot be met fails and says how long to
/// wait. A request larger than the bucket itself can never be met from it: it succeeds when the bucket is not in debt,
/// leaving the bucket that many tokens in debt, so the rate still holds on average (Firecracker's over-consumption).
/// </summary>
/// <remarks>Not thread-safe: a device uses it under its queue lock. Allocation-free.</remarks>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly long _refillTicks;
    private long _budget;
    private long _burst;
    private long _carry;
    private long _last;

    /// <summary>Creates a full bucket.</summary>
    /// <param name="options">Size, refill time, one-time burst.</param>
    /// <param name="time">The clock (<see cref="TimeProvider.System"/> by default; tests pass a fake one).</param>
    public TokenBucket(TokenBucketOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time ?? TimeProvider.System;
        Size = options.Size;
        RefillTime = options.RefillTime;
        double ticks = Math.Ceiling(options.RefillTime.TotalSeconds * _time.TimestampFrequency);
        _refillTicks = (long)Math.Clamp(ticks, 1, long.MaxValue / 4);
        _budget = Size;
        _burst = options.OneTimeBurst;
        _last = _time.GetTimestamp();
    }

    /// <summary>The bucket size in tokens.</summary>
    public long Size { get; }

    /// <summary>The time to refill an empty bucket.</summary>
    public TimeSpan RefillTime { get; }

    /// <summary>The one-time burst not spent yet.</summary>
    public long OneTimeBurstRemaining => _burst;

    /// <summary>The tokens in the bucket now (negative while in debt after an over-sized request), the burst not included.</summary>
    public long Budget
    {
        get
        {
            Refill(_time.GetTimestamp());
            return _budget;
        }
    }

    /// <summary>Takes <paramref name="tokens"/> when available; otherwise takes nothing and says how long to wait.</summary>
    /// <param name="tokens">The tokens wanted (zero or less always succeeds).</param>
    /// <param name="retryAfter">On failure, the time after which the same request succeeds (with no other consumer).</param>
    public bool TryConsume(long tokens, out TimeSpan retryAfter)
    {
        long now = _time.GetTimestamp();
        long wait = WaitTicks(tokens, now);
        if (wait == 0)
        {
            Commit(tokens);
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = ToTimeSpan(wait);
        return false;
    }

    /// <summary>Refills up to <paramref name="now"/>; then 0 when <paramref name="tokens"/> can be taken, else the clock ticks to wait.</summary>
    internal long WaitTicks(long tokens, long now)
    {
        Refill(now);
        long shortfall = Shortfall(tokens);
        if (shortfall == 0)
        {
            return 0;
        }

        // The accumulator gains Size per tick and each token costs _refillTicks: wait until it covers the shortfall.
        Int128 needed = ((Int128)shortfall * _refillTicks) - _carry;
        Int128 ticks = (needed + Size - 1) / Size;
        return ticks <= 0 ? 1 : ticks > long.MaxValue ? long.MaxValue : (long)ticks;
    }

    /// <summary>Takes <paramref name="tokens"/> (after <see cref="WaitTicks"/> returned 0 for them): the burst first, then the bucket.</summary>
    internal void Commit(long tokens)
    {
        if (tokens <= 0)
        {
            return;
        }

        long fromBurst = Math.Min(_burst, tokens);
        _burst -= fromBurst;
        _budget -= tokens - fromBurst;
    }

    /// <summary>Converts clock ticks to a <see cref="TimeSpan"/>, rounding up.</summary>
    internal TimeSpan ToTimeSpan(long ticks)
    {
        double t = Math.Ceiling(ticks * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency);
        return TimeSpan.FromTicks((long)Math.Clamp(t, 1, TimeSpan.MaxValue.Ticks));
    }

    private long Shortfall(long tokens)
    {
        if (tokens <= 0)
        {
            return 0;
        }

        long rest = tokens - Math.Min(_burst, tokens);
        if (rest == 0)
        {
            return 0;
        }

        if (rest > Size)
        {
            // More than the bucket can ever hold: allowed once the bucket is out of debt.
            return _budget >= 0 ? 0 : -_budget;
        }

        return rest <= _budget ? 0 : rest - _budget;
    }

    private void Refill(long now)
    {
        long elapsed = now - _last;
        if (elapsed <= 0)
        {
            return;
        }

        _last = now;
        if (_budget >= Size)
        {
            _carry = 0;
            return;
        }

        Int128 accumulated = ((Int128)elapsed * Size) + _carry;
        Int128 tokens = accumulated / _refillTicks;
        long room = Size - _budget;
        if (tokens >= room)
        {
            _budget = Size;
            _carry = 0;
        }
        else
        {
            _budget += (long)tokens;
            _carry = (long)(accumulated - (tokens * _refillTicks));
        }
    }
}
