using FsCheck;
using FsCheck.Xunit;
using Vmm.Memory;
using Vmm.Virtio.Testing;

namespace Vmm.Virtio.Tests;

public sealed class NotificationSuppressionTests
{
    /// <summary>
    /// Model: with unwrapped 64-bit counters, the driver wants an interrupt when some used index i in [old, new)
    /// satisfies i mod 65536 == used_event (the first call always notifies). Starts near 65536 to cross the wrap.
    /// </summary>
    [Property(MaxTest = 300)]
    public void NeedsNotification_EventIdx_MatchesEnumerationModel(ushort start, byte[] ops)
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var (queue, driver) = Setup(memory, eventIdx: true, (ushort)(65500 + (start % 72)));
            long used = queue.NextUsed;
            long? signalled = null;
            ushort usedEvent = 0;
            foreach (byte op in ops)
            {
                switch (op % 3)
                {
                    case 0:
                        int count = 1 + (op / 3 % 20);
                        for (int i = 0; i < count; i++)
                        {
                            Assert.Equal(QueueError.None, queue.AddUsed(0, 0));
                            used++;
                        }

                        break;
                    case 1:
                        usedEvent = (ushort)(queue.NextUsed + (op / 3) - 40);
                        driver.SetUsedEvent(usedEvent);
                        break;
                    default:
                        bool expected = signalled is not { } old || Crossed(old, used, usedEvent);
                        signalled = used;
                        Assert.Equal(expected, queue.NeedsNotification());
                        break;
                }
            }
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Property(MaxTest = 100)]
    public void NeedsNotification_Flags_FollowsNoInterrupt(bool noInterrupt)
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var (queue, driver) = Setup(memory, eventIdx: false, 0);
            driver.SetAvailFlags(noInterrupt ? SplitQueue.AvailFlagNoInterrupt : (ushort)0);
            queue.AddUsed(0, 0);
            Assert.Equal(!noInterrupt, queue.NeedsNotification());
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void DisableEnableNotification_Flags_DriverKickFollows()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var (queue, driver) = Setup(memory, eventIdx: false, 0);
            queue.DisableNotification();
            Assert.False(driver.ShouldNotifyDevice(0, eventIdx: false));
            Assert.False(queue.EnableNotification());
            Assert.True(driver.ShouldNotifyDevice(0, eventIdx: false));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void EnableNotification_EventIdxWithPendingChain_ReportsMoreWorkAndSetsAvailEvent()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var (queue, driver) = Setup(memory, eventIdx: true, 0);
            var buffer = driver.AllocateBuffer(8);
            queue.DisableNotification();
            driver.AddChain(new SimulatedBuffer(buffer, 8, false));
            Assert.True(queue.EnableNotification());
            Assert.True(queue.TryPop(out _, out _));
            Assert.False(queue.EnableNotification());
            Assert.Equal(1, driver.AvailEvent);

            ushort old = driver.AvailIndex;
            driver.AddChain(new SimulatedBuffer(buffer, 8, false));
            Assert.True(driver.ShouldNotifyDevice(old, eventIdx: true));
            old = driver.AvailIndex;
            driver.AddChain(new SimulatedBuffer(buffer, 8, false));
            Assert.False(driver.ShouldNotifyDevice(old, eventIdx: true));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Property]
    public bool NeedEvent_Any_MatchesEnumeration(ushort eventIndex, ushort oldIndex, byte advance)
    {
        ushort newIndex = (ushort)(oldIndex + advance);
        bool expected = false;
        for (int i = 0; i < advance; i++)
        {
            expected |= (ushort)(oldIndex + i) == eventIndex;
        }

        return SplitQueue.NeedEvent(eventIndex, newIndex, oldIndex) == expected;
    }

    private static bool Crossed(long old, long current, ushort usedEvent)
    {
        for (long i = old; i < current; i++)
        {
            if ((ushort)i == usedEvent)
            {
                return true;
            }
        }

        return false;
    }

    private static (SplitQueue Queue, SimulatedDriverQueue Driver) Setup(GuestMemory memory, bool eventIdx, ushort nextUsed)
    {
        var queue = new SplitQueue(256);
        var driver = new SimulatedDriverQueue(memory, new GuestAddress(0x1000), 256);
        driver.Configure(queue);
        queue.EventIdxEnabled = eventIdx;
        Assert.True(queue.TryMakeReady(memory, out _));
        var state = queue.CaptureState() with { NextUsed = nextUsed };
        Assert.Equal(QueueError.None, queue.RestoreState(state, memory));
        return (queue, driver);
    }
}
