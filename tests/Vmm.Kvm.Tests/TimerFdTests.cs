using System.Diagnostics;

namespace Vmm.Kvm.Tests;

public sealed class TimerFdTests
{
    [Fact]
    public void TryRead_Disarmed_ReturnsFalse()
    {
        using var timer = new TimerFd();
        Assert.False(timer.TryRead(out _));
    }

    [Fact]
    public void Arm_OneShotInEventLoop_WakesTheLoopOnceAfterTheDueTime()
    {
        using var loop = new EventLoop();
        using var timer = new TimerFd();
        ulong fired = 0;
        loop.Add(timer.Handle, EventKinds.Readable, _ => fired += timer.TryRead(out var n) ? n : 0);
        var clock = Stopwatch.StartNew();
        timer.Arm(TimeSpan.FromMilliseconds(20), TimeSpan.Zero);
        Assert.Equal(1, loop.RunOnce(5000));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(19), $"fired after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(1UL, fired);
        Assert.Equal(0, loop.RunOnce(50));
    }

    [Fact]
    public void Arm_Periodic_ExpiresRepeatedlyUntilDisarmed()
    {
        using var timer = new TimerFd();
        timer.Arm(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        Thread.Sleep(30);
        Assert.True(timer.TryRead(out var expirations));
        Assert.True(expirations >= 2, $"{expirations} expirations");
        timer.Disarm();
        _ = timer.TryRead(out _);
        Thread.Sleep(10);
        Assert.False(timer.TryRead(out _));
    }

    [Fact]
    public void Arm_NonPositiveDueTime_Throws()
    {
        using var timer = new TimerFd();
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Arm(TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Arm(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-1)));
    }
}
