namespace Vmm.Kvm.Tests;

public sealed class EventLoopTests
{
    [Fact]
    public void EventFd_WriteThenRead_ReturnsSumAndResets()
    {
        using var fd = new EventFd();
        Assert.False(fd.TryRead(out _));
        fd.Write(2);
        fd.Write(3);
        Assert.True(fd.TryRead(out var value));
        Assert.Equal(5UL, value);
        Assert.False(fd.TryRead(out _));
    }

    [Fact]
    public void RunOnce_ReadableEventFd_CallsItsSubscriber()
    {
        using var loop = new EventLoop();
        using var fd = new EventFd();
        var seen = EventKinds.None;
        loop.Add(fd.Handle, EventKinds.Readable, e =>
        {
            seen = e;
            fd.TryRead(out _);
        });
        fd.Write();
        Assert.Equal(1, loop.RunOnce(1000));
        Assert.True(seen.HasFlag(EventKinds.Readable));
        Assert.Equal(0, loop.RunOnce(0));
    }

    [Fact]
    public void Add_SameDescriptorTwice_Throws()
    {
        using var loop = new EventLoop();
        using var fd = new EventFd();
        loop.Add(fd.Handle, EventKinds.Readable, _ => { });
        Assert.Throws<InvalidOperationException>(() => loop.Add(fd.Handle, EventKinds.Readable, _ => { }));
        Assert.True(loop.Remove(fd.Handle));
        Assert.False(loop.Remove(fd.Handle));
        Assert.Equal(0, loop.Count);
    }

    [Fact]
    public void Stop_FromAnotherThread_EndsRun()
    {
        using var loop = new EventLoop();
        var thread = new Thread(loop.Run);
        thread.Start();
        Thread.Sleep(50);
        loop.Stop();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Wake_FromAnotherThread_ReturnsFromBlockingWait()
    {
        using var loop = new EventLoop();
        var dispatched = -1;
        var thread = new Thread(() => dispatched = loop.RunOnce(-1));
        thread.Start();
        Thread.Sleep(50);
        loop.Wake();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, dispatched);
    }
}
