using Vmm.Devices.BootProgress;

namespace Vmm.Devices.Tests.BootProgress;

public sealed class BootProgressTests
{
    [Fact]
    public void DebugPort_Writes_AreTimestampedFromStart()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var port = new DebugPort(clock);
        var seen = new List<BootProgressMark>();
        port.Written += (_, mark) => seen.Add(mark);

        clock.Advance(TimeSpan.FromMilliseconds(40));
        port.Write(0, [0x40]);
        clock.Advance(TimeSpan.FromMilliseconds(60));
        port.Write(0, [0x41]);

        var expected = new[] { new BootProgressMark(0x40, TimeSpan.FromMilliseconds(40)), new BootProgressMark(0x41, TimeSpan.FromMilliseconds(100)) };
        Assert.Equal(expected, port.GetMarks());
        Assert.Equal(expected, seen);
        var data = new byte[1];
        port.Read(0, data);
        Assert.Equal(0x41, data[0]);
    }

    [Fact]
    public void DebugPort_Flood_KeepsMostRecentAndCountsAll()
    {
        var port = new DebugPort(new ManualTimeProvider(DateTimeOffset.UnixEpoch), capacity: 4);
        for (int i = 0; i < 10; i++)
        {
            port.Write(0, [(byte)i]);
        }

        Assert.Equal(new byte[] { 6, 7, 8, 9 }, port.GetMarks().Select(m => m.Value));
        Assert.Equal(10, port.TotalWrites);
    }

    [Fact]
    public void DebugPort_Write_DoesNotAllocate()
    {
        var port = new DebugPort(capacity: 8);
        byte[] one = [0x80];
        port.Write(0, one);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            port.Write(0, one);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DebugPort_CaptureState_RestoresLog()
    {
        var original = new DebugPort(new ManualTimeProvider(DateTimeOffset.UnixEpoch), capacity: 3);
        for (int i = 0; i < 5; i++)
        {
            original.Write(0, [(byte)i]);
        }

        var copy = new DebugPort(new ManualTimeProvider(DateTimeOffset.UnixEpoch), capacity: 3);
        copy.RestoreState(original.CaptureState());
        original.Write(0, [9]);
        copy.Write(0, [9]);

        Assert.Equal(original.GetMarks(), copy.GetMarks());
        Assert.Equal(original.TotalWrites, copy.TotalWrites);
    }

    [Fact]
    public void BootTimer_Write123_ReportsElapsedOnce()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var timer = new BootTimer(clock);
        var reports = new List<TimeSpan>();
        timer.InitReached += (_, elapsed) => reports.Add(elapsed);

        timer.Write(0, [122]);
        Assert.Null(timer.InitReachedAfter);
        clock.Advance(TimeSpan.FromMilliseconds(125));
        timer.Write(0, [BootTimer.InitReachedMagic]);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        timer.Write(0, [BootTimer.InitReachedMagic]);

        Assert.Equal(TimeSpan.FromMilliseconds(125), timer.InitReachedAfter);
        Assert.Equal([TimeSpan.FromMilliseconds(125)], reports);
    }

    [Fact]
    public void BootTimer_CaptureState_RestoresMark()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var original = new BootTimer(clock);
        clock.Advance(TimeSpan.FromSeconds(1));
        original.Write(0, [123]);

        var copy = new BootTimer(clock);
        copy.RestoreState(original.CaptureState());
        int raised = 0;
        copy.InitReached += (_, _) => raised++;
        copy.Write(0, [123]);

        Assert.Equal(TimeSpan.FromSeconds(1), copy.InitReachedAfter);
        Assert.Equal(0, raised);
    }
}
