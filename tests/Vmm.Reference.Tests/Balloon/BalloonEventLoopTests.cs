using Vmm.Devices;
using Vmm.Kvm;
using Vmm.Memory;
using Vmm.Reference.Machine;
using Vmm.Virtio;
using Vmm.Virtio.Balloon;
using Vmm.Virtio.Testing;

namespace Vmm.Reference.Tests.Balloon;

/// <summary>The balloon's statistics timer on the VMM's real event loop (epoll + timerfd), as vmm wires it.</summary>
public sealed class BalloonEventLoopTests : IDisposable
{
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
    private readonly EventLoop _loop = new();

    public void Dispose()
    {
        _loop.Dispose();
        _memory.DisposeRegions();
    }

    [Fact]
    public void StatsTimer_OnTheEventLoop_ReturnsTheGuestsBufferEachIntervalUntilReset()
    {
        var balloon = new VirtioBalloon(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromMilliseconds(20) }, new DeviceEventLoop(_loop));
        var transport = new VirtioMmioTransport(balloon, _memory, new SilentLine());
        var driver = new SimulatedMmioDriver(transport);
        Assert.True(driver.Negotiate(ulong.MaxValue, out ulong accepted));
        Assert.NotEqual(0UL, accepted & VirtioBalloonFeatures.StatsQueue);
        var queues = Enumerable.Range(0, 3).Select(i => new SimulatedDriverQueue(_memory, new GuestAddress(0x1000 + ((ulong)i * 0x10000)), 16)).ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(driver.SetUpQueue(i, queues[i]));
        }

        var stats = queues[2];
        var buffer = stats.AllocateBuffer(10);
        _memory.Write(buffer, (ushort)VirtioBalloonStatTag.FreeMemory);
        _memory.Write(buffer.Add(2), 4096UL);
        ushort head = stats.AddChain(new SimulatedBuffer(buffer, 10, false));
        driver.Notify(2);
        Assert.Equal((DeviceStatus)0xf, driver.DriverOk());
        Assert.Equal(1, _loop.Count);

        Assert.Equal(1, _loop.RunOnce(5000));
        Assert.True(stats.TryTakeUsed(out var used));
        Assert.Equal(head, used.Id);
        Assert.True(balloon.Statistics!.TryGetValue(VirtioBalloonStatTag.FreeMemory, out ulong free));
        Assert.Equal(4096UL, free);

        driver.Write(VirtioMmioRegister.Status, 0);
        Assert.Equal(0, _loop.Count);
    }

    private sealed class SilentLine : IInterruptLine
    {
        public void Raise()
        {
        }

        public void Lower()
        {
        }

        public void Pulse()
        {
        }
    }
}
