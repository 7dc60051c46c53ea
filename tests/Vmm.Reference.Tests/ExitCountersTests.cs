using Vmm.Kvm;
using Vmm.Reference.Machine;

namespace Vmm.Reference.Tests;

public sealed class ExitCountersTests
{
    [Fact]
    public void Snapshot_NothingCounted_IsEmpty()
    {
        var counters = new ExitCounters();
        counters.AddVcpu();

        Assert.Empty(counters.Snapshot());
    }

    [Fact]
    public void Snapshot_TwoVcpus_SumsTheirCountsInReasonOrder()
    {
        var counters = new ExitCounters();
        var vcpu0 = counters.AddVcpu();
        var vcpu1 = counters.AddVcpu();
        vcpu0.Count(VcpuExitReason.Mmio);
        vcpu0.Count(VcpuExitReason.Io);
        vcpu1.Count(VcpuExitReason.Io);
        vcpu1.Count(VcpuExitReason.Interrupted);
        vcpu1.CountUnhandledPio();
        vcpu0.CountUnhandledMmio();
        vcpu1.CountUnhandledMmio();

        Assert.Equal(
            [("io", 2L), ("mmio", 1L), ("interrupted", 1L), ("pio-no-device", 1L), ("mmio-no-device", 2L)],
            counters.Snapshot().ToArray());
    }

    [Fact]
    public void Count_Unrecognized_IsNotCounted()
    {
        var counters = new ExitCounters();
        counters.AddVcpu().Count(VcpuExitReason.Unrecognized);

        Assert.Empty(counters.Snapshot());
    }

    [Fact]
    public void Count_TwoThreadsAtOnce_LosesNoExit()
    {
        const int perThread = 1_000_000;
        var counters = new ExitCounters();
        var threads = Enumerable.Range(0, 2).Select(_ => counters.AddVcpu()).Select(block => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                block.Count(VcpuExitReason.Io);
            }
        })).ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal([("io", 2L * perThread)], counters.Snapshot().ToArray());
    }

    [Fact]
    public void Count_HotPath_DoesNotAllocate()
    {
        var block = new ExitCounters().AddVcpu();
        block.Count(VcpuExitReason.Io);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            block.Count(VcpuExitReason.Io);
            block.CountUnhandledPio();
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1001, block.ExitsFor((int)VcpuExitReason.Io));
    }
}
