using FsCheck.Xunit;
using Vmm.Virtio.RateLimiting;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>Token bucket and rate limiter semantics (Firecracker's), on a fake clock.</summary>
public sealed class TokenBucketTests
{
    [Property(MaxTest = 200)]
    public void TryConsume_FreshBucket_ExactlySizePlusBurstWithoutWaiting(uint sizeSeed, uint burstSeed, ushort refillMs)
    {
        long size = 1 + (sizeSeed % 5000);
        long burst = burstSeed % 5000;
        var clock = new FakeClock();
        var bucket = new TokenBucket(new TokenBucketOptions(size, TimeSpan.FromMilliseconds(1 + refillMs), burst), clock);

        long taken = 0;
        while (bucket.TryConsume(1, out _))
        {
            taken++;
        }

        Assert.Equal(size + burst, taken);
        Assert.False(bucket.TryConsume(1, out var wait));
        Assert.True(wait > TimeSpan.Zero);
    }

    [Property(MaxTest = 100)]
    public void TryConsume_GreedyConsumer_LongRunRateWithinFivePercent(uint sizeSeed, ushort refillSeed, uint burstSeed, uint frameSeed, bool oversized)
    {
        long size = 100 + (sizeSeed % 10_000_000);
        var refill = TimeSpan.FromMilliseconds(1 + (refillSeed % 5000));
        long burst = burstSeed % (10 * size);
        var clock = new FakeClock();
        var bucket = new TokenBucket(new TokenBucketOptions(size, refill, burst), clock);
        var random = new Random((int)frameSeed);
        long start = clock.Now;
        long consumed = 0;
        var horizon = refill * 100;

        while (clock.Now - start < horizon.Ticks * 100)
        {
            // Frames of up to a quarter of the bucket, or (with oversized) up to three buckets: over-consumption.
            long frame = oversized ? 1 + random.NextInt64(3 * size) : Math.Max(1, (size / 100) + random.NextInt64(size / 4));
            while (!bucket.TryConsume(frame, out var wait))
            {
                Assert.True(wait > TimeSpan.Zero);
                clock.Advance(wait);
            }

            consumed += frame;
        }

        double seconds = (clock.Now - start) / 1e9;
        double rate = size / refill.TotalSeconds;
        double steady = (consumed - size - burst) / seconds;
        Assert.InRange(steady, rate * 0.95, rate * 1.05);
    }

    [Fact]
    public void TryConsume_MoreThanTheBucket_SucceedsThenBlocksUntilTheDebtIsRepaid()
    {
        var clock = new FakeClock();
        var bucket = new TokenBucket(new TokenBucketOptions(1000, TimeSpan.FromSeconds(1)), clock);

        Assert.True(bucket.TryConsume(5000, out _));
        Assert.Equal(-4000, bucket.Budget);
        Assert.False(bucket.TryConsume(1, out var wait));
        Assert.InRange(wait.TotalSeconds, 4.001, 4.0011);
        clock.Advance(TimeSpan.FromSeconds(4.001));
        Assert.True(bucket.TryConsume(1, out _));
    }

    [Fact]
    public void TryConsume_BurstSpentFirstAndNeverRefilled()
    {
        var clock = new FakeClock();
        var bucket = new TokenBucket(new TokenBucketOptions(100, TimeSpan.FromSeconds(1), oneTimeBurst: 500), clock);

        Assert.True(bucket.TryConsume(450, out _));
        Assert.Equal(50, bucket.OneTimeBurstRemaining);
        Assert.Equal(100, bucket.Budget);
        Assert.True(bucket.TryConsume(150, out _));
        Assert.Equal(0, bucket.Budget);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(100, bucket.Budget);
        Assert.Equal(0, bucket.OneTimeBurstRemaining);
    }

    [Fact]
    public void RateLimiter_OneBucketRefuses_NothingTakenFromEither()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(
            new RateLimiterOptions { Bandwidth = TokenBucketOptions.PerSecond(1000), Operations = TokenBucketOptions.PerSecond(2) },
            clock);

        Assert.True(limiter.TryConsume(100, 1, out _));
        Assert.True(limiter.TryConsume(100, 1, out _));
        Assert.False(limiter.TryConsume(100, 1, out var wait));
        Assert.Equal(800, limiter.Bandwidth!.Budget);
        Assert.InRange(wait.TotalMilliseconds, 500, 500.001);
        Assert.False(limiter.TryConsume(900, 0, out var bytesWait));
        Assert.InRange(bytesWait.TotalMilliseconds, 100, 100.001);
    }

    [Fact]
    public void QueueRateLimit_Refused_BlocksArmsTheTimerAndResumesWhenItFires()
    {
        var clock = new FakeClock();
        var loop = new TestEventLoop();
        using var limit = new QueueRateLimit(new RateLimiter(new RateLimiterOptions { Operations = TokenBucketOptions.PerSecond(10) }, clock));
        int resumed = 0;
        limit.Attach(loop, () => resumed++);

        int passed = 0;
        while (limit.TryConsume(0))
        {
            passed++;
        }

        Assert.Equal(10, passed);
        Assert.True(limit.IsBlocked);
        var timer = Assert.Single(loop.Timers);
        Assert.True(timer.Armed);
        Assert.InRange(timer.DueTime.TotalMilliseconds, 100, 100.001);
        Assert.False(limit.TryConsume(0));
        clock.Advance(timer.DueTime);
        Assert.Equal(1, loop.FireTimers());
        Assert.Equal(1, resumed);
        Assert.False(limit.IsBlocked);
        Assert.True(limit.TryConsume(0));
        Assert.Equal(1, limit.ThrottledCount);
    }
}
