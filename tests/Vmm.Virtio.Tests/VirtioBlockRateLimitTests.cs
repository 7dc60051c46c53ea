using Vmm.Virtio.Block;
using Vmm.Virtio.RateLimiting;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>The same rate limiter on virtio-blk: requests over the limit wait, in order, for the timer.</summary>
public sealed class VirtioBlockRateLimitTests
{
    [Fact]
    public void Requests_OverTheBandwidthLimit_HeldInOrderUntilTheTimer()
    {
        var clock = new FakeClock();
        var loop = new TestEventLoop();
        var options = new VirtioBlockOptions { RateLimit = new RateLimiterOptions { Bandwidth = TokenBucketOptions.PerSecond(8192) }, Time = clock };
        using var h = new BlockHarness(options: options, events: loop);
        var heads = new List<ushort>();
        for (int i = 0; i < 4; i++)
        {
            var header = h.Queue.AllocateBuffer(16);
            h.Memory.Write(header, 0u);
            h.Memory.Write(header.Add(8), (ulong)(i * 8));
            heads.Add(h.Queue.AddChain(new SimulatedBuffer(header, 16, false), new SimulatedBuffer(h.Queue.AllocateBuffer(4096), 4096, true), new SimulatedBuffer(h.Queue.AllocateBuffer(1), 1, true)));
        }

        h.Driver.Notify(0);
        Assert.Equal(heads[..2], TakeUsed(h));
        var timer = Assert.Single(loop.Timers);
        Assert.True(timer.Armed);
        Assert.InRange(timer.DueTime.TotalMilliseconds, 500, 500.001);

        h.Driver.Notify(0);
        Assert.Empty(TakeUsed(h));
        clock.Advance(TimeSpan.FromSeconds(1));
        loop.FireTimers();
        Assert.Equal(heads[2..], TakeUsed(h));
        Assert.Equal(1, h.Device.RateLimit!.ThrottledCount);
        Assert.Equal(4, h.Device.RequestCount);
    }

    [Fact]
    public void Construct_RateLimitWithoutEventLoop_Refused()
    {
        var options = new VirtioBlockOptions { RateLimit = new RateLimiterOptions { Operations = TokenBucketOptions.PerSecond(10) } };
        string path = Path.GetTempFileName();
        try
        {
            using var image = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            Assert.Throws<ArgumentException>(() => new VirtioBlock(image, options));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<ushort> TakeUsed(BlockHarness h)
    {
        var list = new List<ushort>();
        while (h.Queue.TryTakeUsed(out var used))
        {
            list.Add((ushort)used.Id);
        }

        return list;
    }
}
