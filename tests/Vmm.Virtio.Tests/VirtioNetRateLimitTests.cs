using Vmm.Devices;
using Vmm.Virtio.Net;
using Vmm.Virtio.RateLimiting;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>Rate limits on a virtio-net queue: the queue stops, a timer resumes it, the other queue is not held up.</summary>
public sealed class VirtioNetRateLimitTests
{
    private const ulong Plain = VirtioNetFeatures.Mac | VirtioNetFeatures.Status;
    private static readonly byte[] GuestMacBytes = [0x52, 0x54, 0, 0x12, 0x34, 0x56];

    [Fact]
    public void Transmit_OverTheOperationsLimit_HeldUntilTheTimerThenSent()
    {
        var clock = new FakeClock();
        var options = new VirtioNetOptions { TransmitRateLimit = new RateLimiterOptions { Operations = TokenBucketOptions.PerSecond(4) }, Time = clock };
        using var h = NetHarness.Create(Plain, options);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        var frame = Frames.Ethernet(h.HostMac, GuestMacBytes, Frames.EtherTypeTest, new byte[100]);
        for (int i = 0; i < 10; i++)
        {
            h.Send(Frames.Concat(new byte[12], frame), notify: false);
        }

        h.Driver.Notify(VirtioNet.TransmitQueue);
        Assert.Equal(4, h.Device.TransmittedFrames);
        Assert.Equal(4, h.TakeTransmitted().Count);
        var timer = Assert.Single(h.Loop.Timers, t => t.Armed);
        Assert.InRange(timer.DueTime.TotalMilliseconds, 250, 250.001);

        h.Driver.Notify(VirtioNet.TransmitQueue);
        Assert.Equal(4, h.Device.TransmittedFrames);

        clock.Advance(TimeSpan.FromSeconds(1));
        h.Loop.FireTimers();
        Assert.Equal(8, h.Device.TransmittedFrames);
        clock.Advance(TimeSpan.FromSeconds(1));
        h.Loop.FireTimers();
        Assert.Equal(10, h.Device.TransmittedFrames);
        Assert.Equal(6, h.TakeTransmitted().Count);
        Assert.Equal(2, h.Device.TransmitRateLimit!.ThrottledCount);
        int seen = 0;
        while (socket.ReceiveMatching(f => Frames.EtherType(f) == Frames.EtherTypeTest, 500) is not null)
        {
            seen++;
        }

        Assert.Equal(10, seen);
    }

    [Fact]
    public void Receive_OverTheBandwidthLimit_FrameHeldInGuestBuffersUntilTheTimer()
    {
        var clock = new FakeClock();
        var options = new VirtioNetOptions { ReceiveRateLimit = new RateLimiterOptions { Bandwidth = TokenBucketOptions.PerSecond(3000) }, Time = clock };
        using var h = NetHarness.Create(Plain, options);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        h.PostReceiveBuffers(16, 1526);
        for (int i = 0; i < 5; i++)
        {
            socket.Send(Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[986]));
        }

        var first = h.ReceiveUntil(_ => false, 300);
        Assert.Equal(3, first.Count);
        Assert.Equal(DeviceEvents.None, h.Loop.InterestOf(h.Device.Tap.Handle));
        var timer = Assert.Single(h.Loop.Timers, t => t.Armed);
        Assert.InRange(timer.DueTime.TotalMilliseconds, 333, 334);

        clock.Advance(TimeSpan.FromSeconds(1));
        h.Loop.FireTimers();
        var rest = h.ReceiveUntil(_ => false, 300);
        Assert.Equal(2, rest.Count);
        Assert.All(first.Concat(rest), f => Assert.Equal(1000, f.Frame.Length));
        Assert.Equal(5000, h.Device.ReceivedBytes);
    }

    [Fact]
    public void Transmit_Throttled_ReceiveKeepsFlowing()
    {
        var clock = new FakeClock();
        var options = new VirtioNetOptions { TransmitRateLimit = new RateLimiterOptions { Operations = TokenBucketOptions.PerSecond(1) }, Time = clock };
        using var h = NetHarness.Create(Plain, options);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        var frame = Frames.Ethernet(h.HostMac, GuestMacBytes, Frames.EtherTypeTest, new byte[100]);
        h.SendFrame(frame);
        h.SendFrame(frame);
        Assert.Equal(1, h.Device.TransmittedFrames);

        h.PostReceiveBuffers(8, 1526);
        for (int i = 0; i < 5; i++)
        {
            socket.Send(Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[100]));
        }

        Assert.Equal(5, h.ReceiveUntil(_ => false, 300).Count(f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest));
        Assert.Equal(1, h.Device.TransmittedFrames);
    }
}
