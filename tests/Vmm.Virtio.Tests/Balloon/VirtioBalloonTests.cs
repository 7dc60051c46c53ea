using System.Buffers.Binary;
using Vmm.Memory;
using Vmm.Virtio.Balloon;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests.Balloon;

public sealed class VirtioBalloonTests
{
    private const ulong Page = BalloonHarness.Page;

    [Fact]
    public void Probe_DefaultOptions_BalloonWithTwoQueuesAndNoOptionalFeatures()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { TargetPages = 1234 });
        h.Start();

        Assert.Equal(5u, h.Driver.Read(VirtioMmioRegister.DeviceId));
        Assert.Equal(2, h.Device.QueueCount);
        Assert.Equal(VirtioFeatures.Version1, h.Accepted & ~(VirtioFeatures.RingEventIndex | VirtioFeatures.RingIndirectDescriptors));
        Assert.Equal(1234u, h.Driver.Read(VirtioMmioRegister.Config));
        Assert.Equal(0u, h.Driver.Read(VirtioMmioRegister.Config + 4));
        Assert.Null(h.Stats);
        Assert.Null(h.Reporting);
    }

    [Fact]
    public void Probe_AllOptions_OffersStatsDeflateOnOomAndReporting()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1), DeflateOnOom = true, FreePageReporting = true });
        h.Start();

        ulong expected = VirtioBalloonFeatures.StatsQueue | VirtioBalloonFeatures.DeflateOnOom | VirtioBalloonFeatures.PageReporting;
        Assert.Equal(expected, h.Accepted & 0xff_ffff);
        Assert.Equal(4, h.Device.QueueCount);
        Assert.Equal(2, h.StatsIndex);
        Assert.Equal(3, h.ReportingIndex);
    }

    [Fact]
    public void Probe_ReportingWithoutStatsNegotiated_ReportingQueueIsIndexTwo()
    {
        using var h = new BalloonHarness(
            new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1), FreePageReporting = true },
            wantedFeatures: ~VirtioBalloonFeatures.StatsQueue);
        h.Start();
        h.FillRam(0xaa);

        var used = h.Send(h.Reporting!, 2, new SimulatedBuffer(new GuestAddress(BalloonHarness.RamBase), (uint)Page, true));

        Assert.Equal(2, h.ReportingIndex);
        Assert.Equal(0u, used.Length);
        Assert.Equal((long)Page, h.Device.ReportedBytes);
        Assert.True(h.PageIs(h.RamFirstPage, 0));
        Assert.Empty(h.Events.Timers);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new VirtioBalloon(new VirtioBalloonOptions { QueueSize = 100 }));
        Assert.Throws<ArgumentException>(() => new VirtioBalloon(new VirtioBalloonOptions { QueueSize = 16, FreePageReporting = true }));
        Assert.Throws<ArgumentException>(() => new VirtioBalloon(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentException>(() => new VirtioBalloon(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1) }, events: null));
    }

    [Fact]
    public void SetTargetPages_DriverActive_NewTargetNewGenerationAndConfigInterrupt()
    {
        using var h = new BalloonHarness().Start();
        uint generation = h.Driver.Read(VirtioMmioRegister.ConfigGeneration);
        h.Driver.AcknowledgeInterrupts();
        int pulses = h.Interrupts.Pulses;

        h.Device.SetTargetPages(4096);

        Assert.Equal(4096u, h.Driver.Read(VirtioMmioRegister.Config));
        Assert.NotEqual(generation, h.Driver.Read(VirtioMmioRegister.ConfigGeneration));
        Assert.Equal(pulses + 1, h.Interrupts.Pulses);
        Assert.Equal(VirtioInterrupt.ConfigChange, h.Driver.AcknowledgeInterrupts());
    }

    [Fact]
    public void SetTargetPages_BeforeDriverOk_OnlyStored()
    {
        var device = new VirtioBalloon();
        device.SetTargetPages(77);
        Assert.Equal(77u, device.TargetPages);
    }

    [Fact]
    public void WriteConfig_Actual_StoredAndChangeRaised_NumPagesReadOnly()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { TargetPages = 10 }).Start();
        int changes = 0;
        h.Device.ActualPagesChanged += (_, _) => changes++;

        h.Driver.Write(VirtioMmioRegister.Config + 4, 0x1_0203);
        h.Driver.Write(VirtioMmioRegister.Config + 4, 0x1_0203);
        h.Driver.Write(VirtioMmioRegister.Config, 999);
        h.Transport.Write(VirtioMmioRegister.Config + 5, [0xff]);

        Assert.Equal(0x1_ff03u, h.Device.ActualPages);
        Assert.Equal(0x1_ff03u, h.Driver.Read(VirtioMmioRegister.Config + 4));
        Assert.Equal(10u, h.Driver.Read(VirtioMmioRegister.Config));
        Assert.Equal(2, changes);
    }

    [Fact]
    public void Reset_AfterDriverWroteActual_ActualBackToZero()
    {
        using var h = new BalloonHarness().Start();
        h.Driver.Write(VirtioMmioRegister.Config + 4, 50);

        h.Driver.Write(VirtioMmioRegister.Status, 0);

        Assert.Equal(0u, h.Device.ActualPages);
    }

    [Fact]
    public void Inflate_PagesInRam_GivenBackReadZeroOthersKept()
    {
        using var h = new BalloonHarness().Start();
        h.FillRam(0xaa);
        ulong first = h.RamFirstPage;

        var used = h.SendPages(h.Inflate, 0, [(uint)first + 3, (uint)first + 1, (uint)first + 2, (uint)first + 10]);

        Assert.Equal(0u, used.Length);
        Assert.True(h.PageIs(first, 0xaa));
        Assert.True(h.PageIs(first + 1, 0));
        Assert.True(h.PageIs(first + 2, 0));
        Assert.True(h.PageIs(first + 3, 0));
        Assert.True(h.PageIs(first + 4, 0xaa));
        Assert.True(h.PageIs(first + 10, 0));
        Assert.Equal(4, h.Device.InflatedPages);
        Assert.Equal(2, h.Counter("discard-calls"));
        Assert.Equal(0, h.Counter("refused-pages"));
    }

    [Fact]
    public void Inflate_PagesOutsideRam_RefusedCountedAndNothingTouched()
    {
        using var h = new BalloonHarness().Start();
        h.FillRam(0xaa);
        uint inHole = (uint)((8 << 20) / Page) + 5;
        uint pastRam = (uint)(h.RamFirstPage + h.RamPages);

        var used = h.SendPages(h.Inflate, 0, [inHole, pastRam, uint.MaxValue, uint.MaxValue - 1, (uint)h.RamFirstPage - 1]);

        Assert.Equal(0u, used.Length);
        Assert.Equal(0, h.Device.InflatedPages);
        Assert.Equal(5, h.Counter("refused-pages"));
        Assert.Equal(0, h.Counter("discard-calls"));
        for (ulong p = 0; p < h.RamPages; p++)
        {
            Assert.True(h.PageIs(h.RamFirstPage + p, 0xaa));
        }

        Assert.False(h.Transport.Common.Status.HasFlag(DeviceStatus.DeviceNeedsReset));
    }

    [Fact]
    public void Inflate_RunStraddlingTheEndOfRam_InsidePartGivenBackRestRefused()
    {
        using var h = new BalloonHarness().Start();
        h.FillRam(0xaa);
        uint last = (uint)(h.RamFirstPage + h.RamPages - 1);

        h.SendPages(h.Inflate, 0, [last - 1, last, last + 1, last + 2]);

        Assert.Equal(2, h.Device.InflatedPages);
        Assert.Equal(2, h.Counter("refused-pages"));
        Assert.True(h.PageIs(last, 0));
        Assert.True(h.PageIs(last - 2, 0xaa));
    }

    [Fact]
    public void Inflate_DuplicatePages_GivenBackOnceAndCounted()
    {
        using var h = new BalloonHarness().Start();
        uint p = (uint)h.RamFirstPage + 7;

        h.SendPages(h.Inflate, 0, [p, p, p, p + 1, p]);

        Assert.Equal(2, h.Device.InflatedPages);
        Assert.Equal(3, h.Counter("duplicate-pages"));
        Assert.Equal(1, h.Counter("discard-calls"));
    }

    [Fact]
    public void Inflate_256PagesDescending_OneMadvise()
    {
        using var h = new BalloonHarness().Start();
        var pages = Enumerable.Range(0, 256).Select(i => (uint)(h.RamFirstPage + 255 - (ulong)i)).ToArray();

        h.SendPages(h.Inflate, 0, pages);

        Assert.Equal(256, h.Device.InflatedPages);
        Assert.Equal(1, h.Counter("discard-calls"));
    }

    [Fact]
    public void Inflate_HugeRequest_CappedAndTheRestCountedAsTruncated()
    {
        using var h = new BalloonHarness().Start();

        // 16 descriptors over one 64 KiB buffer of page numbers in the hole: 256 Ki entries in one chain.
        var buffer = h.Inflate.AllocateBuffer(64 << 10);
        var pages = new byte[64 << 10];
        for (int i = 0; i < pages.Length; i += 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(pages.AsSpan(i), 0x3000 + (uint)(i / 4));
        }

        h.Memory.Write(buffer, pages);
        var used = h.Send(h.Inflate, 0, Enumerable.Repeat(new SimulatedBuffer(buffer, 64 << 10, false), 16).ToArray());

        Assert.Equal(0u, used.Length);
        Assert.Equal((16 * 16384) - VirtioBalloon.MaxPagesPerRequest, h.Counter("truncated-pages"));
        Assert.Equal(VirtioBalloon.MaxPagesPerRequest, h.Counter("refused-pages") + h.Counter("duplicate-pages"));
    }

    [Fact]
    public void Inflate_LengthNotAMultipleOfFour_WholeEntriesUsedAndCountedMalformed()
    {
        using var h = new BalloonHarness().Start();
        var bytes = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)h.RamFirstPage);

        h.SendBytes(h.Inflate, 0, bytes);

        Assert.Equal(1, h.Device.InflatedPages);
        Assert.Equal(1, h.Counter("malformed-requests"));
    }

    [Fact]
    public void Inflate_BufferNotInGuestMemory_CompletedAndCountedMalformed()
    {
        using var h = new BalloonHarness().Start();

        var used = h.Send(h.Inflate, 0, new SimulatedBuffer(new GuestAddress(9 << 20), 16, false));

        Assert.Equal(0u, used.Length);
        Assert.Equal(1, h.Counter("malformed-requests"));
        Assert.Equal(0, h.Device.InflatedPages);
    }

    [Fact]
    public void Inflate_WritableOnlyChain_NothingDoneAndCountedMalformed()
    {
        using var h = new BalloonHarness().Start();
        var buffer = h.Inflate.AllocateBuffer(64);

        h.Send(h.Inflate, 0, new SimulatedBuffer(buffer, 64, true));

        Assert.Equal(1, h.Counter("malformed-requests"));
        Assert.Equal(0, h.Device.InflatedPages + h.Counter("refused-pages"));
    }

    [Fact]
    public void Inflate_PagesOfAReadOnlyFileMapping_RefusedAndFileKept()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, Enumerable.Repeat((byte)0x5c, 4 * (int)Page).ToArray());
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            var rom = MemoryRegion.MapFile(new GuestAddress(64 << 20), file, 0, 4 * Page, MemoryRegionOptions.Default with { ReadOnly = true });
            using var h = new BalloonHarness(extraRegion: rom).Start();
            uint romPage = (uint)((64 << 20) / Page);

            h.SendPages(h.Inflate, 0, [romPage, romPage + 1, romPage + 2, romPage + 3]);

            Assert.Equal(4, h.Counter("refused-pages"));
            Assert.Equal(0, h.Device.InflatedPages);
            Assert.Equal(1, h.Counter("discard-calls"));
            Assert.Equal(0x5c, h.Memory.Read<byte>(new GuestAddress((64 << 20) + 100)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Deflate_PagesInRam_BookkeepingOnlyContentKept()
    {
        using var h = new BalloonHarness().Start();
        h.FillRam(0xaa);
        uint p = (uint)h.RamFirstPage;

        var used = h.SendPages(h.Deflate, 1, [p, p + 1, 5_000_000]);

        Assert.Equal(0u, used.Length);
        Assert.Equal(2, h.Counter("deflated-pages"));
        Assert.Equal(1, h.Counter("refused-pages"));
        Assert.Equal(0, h.Counter("discard-calls"));
        Assert.True(h.PageIs(p, 0xaa));
    }

    [Fact]
    public void Inflate_NotificationStormOnEmptyQueues_NothingHappens()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1), FreePageReporting = true }).Start();

        for (int i = 0; i < 10_000; i++)
        {
            h.Driver.Notify(i % 6);
        }

        Assert.All(h.Device.ReadCounters(), c => Assert.Equal(0, c.Value));
        Assert.Equal(0, h.Interrupts.Pulses);
    }

    [Fact]
    public void Stats_InitialBuffer_ParsedHeldThenReturnedOnRequest()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(5) }).Start();
        Assert.Null(h.Device.Statistics);
        var buffer = PostStats(h, (VirtioBalloonStatTag.FreeMemory, 100UL << 20), (VirtioBalloonStatTag.TotalMemory, 128UL << 20), ((VirtioBalloonStatTag)200, 1));

        var stats = h.Device.Statistics;
        Assert.NotNull(stats);
        Assert.True(stats.TryGetValue(VirtioBalloonStatTag.FreeMemory, out ulong free));
        Assert.Equal(100UL << 20, free);
        Assert.True(stats.TryGetValue(VirtioBalloonStatTag.TotalMemory, out ulong total));
        Assert.Equal(128UL << 20, total);
        Assert.False(stats.TryGetValue(VirtioBalloonStatTag.SwapIn, out _));
        Assert.Equal([VirtioBalloonStatTag.FreeMemory, VirtioBalloonStatTag.TotalMemory], stats.Tags);
        Assert.Equal(1, h.Counter("stats-ignored-entries"));
        Assert.False(h.Stats!.TryTakeUsed(out _));

        int pulses = h.Interrupts.Pulses;
        Assert.True(h.Device.RequestStatistics());
        Assert.True(h.Stats.TryTakeUsed(out var used));
        Assert.Equal(buffer, used.Id);
        Assert.Equal(0u, used.Length);
        Assert.Equal(pulses + 1, h.Interrupts.Pulses);
        Assert.False(h.Device.RequestStatistics());
    }

    [Fact]
    public void Stats_BufferPostedAndKickedBeforeDriverOk_AsLinuxDoes_TakenAtActivation()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1) });
        ushort head = PostStats(h, (VirtioBalloonStatTag.TotalMemory, 5));
        Assert.Null(h.Device.Statistics);

        h.Start();

        Assert.True(h.Device.Statistics!.TryGetValue(VirtioBalloonStatTag.TotalMemory, out ulong total));
        Assert.Equal(5UL, total);
        Assert.False(h.Stats!.TryTakeUsed(out _));
        Assert.True(h.Device.RequestStatistics());
        Assert.True(h.Stats.TryTakeUsed(out var used));
        Assert.Equal(head, used.Id);
    }

    [Fact]
    public void Stats_Timer_ArmedWithTheIntervalReturnsTheBufferAndStopsOnReset()
    {
        var interval = TimeSpan.FromSeconds(3);
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = interval }).Start();
        var timer = Assert.Single(h.Events.Timers);
        Assert.Equal(interval, timer.DueTime);
        Assert.Equal(interval, timer.Period);
        PostStats(h, (VirtioBalloonStatTag.AvailableMemory, 7));

        timer.Fire();
        Assert.True(h.Stats!.TryTakeUsed(out _));
        PostStats(h, (VirtioBalloonStatTag.AvailableMemory, 8));
        timer.Fire();
        Assert.True(h.Stats.TryTakeUsed(out _));
        Assert.Equal(2, h.Device.Statistics!.UpdateCount);
        Assert.True(h.Device.Statistics.TryGetValue(VirtioBalloonStatTag.AvailableMemory, out ulong available));
        Assert.Equal(8UL, available);

        h.Driver.Write(VirtioMmioRegister.Status, 0);
        Assert.True(timer.IsDisposed);
    }

    [Fact]
    public void Stats_DriverPostsTwoBuffers_OlderReturnedAtOnceNewerHeld()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1) }).Start();
        ushort first = PostStats(h, (VirtioBalloonStatTag.MinorFaults, 1));
        ushort second = PostStats(h, (VirtioBalloonStatTag.MinorFaults, 2));

        Assert.True(h.Stats!.TryTakeUsed(out var used));
        Assert.Equal(first, used.Id);
        Assert.False(h.Stats.TryTakeUsed(out _));
        Assert.True(h.Device.RequestStatistics());
        Assert.True(h.Stats.TryTakeUsed(out used));
        Assert.Equal(second, used.Id);
    }

    [Fact]
    public void Stats_BufferWithPartialEntryAndTooManyEntries_WholeEntriesUpToTheCapKept()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1) }).Start();
        int entries = VirtioBalloon.MaxStatsEntries + 6;
        var bytes = new byte[(entries * 10) + 3];
        for (int i = 0; i < entries; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 10), (ushort)(i % 4));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * 10) + 2), (ulong)i);
        }

        var buffer = h.Stats!.AllocateBuffer((uint)bytes.Length);
        h.Memory.Write(buffer, bytes);
        h.Stats.AddChain(new SimulatedBuffer(buffer, (uint)bytes.Length, false));
        h.Driver.Notify(h.StatsIndex);

        var stats = h.Device.Statistics!;
        Assert.True(stats.TryGetValue(VirtioBalloonStatTag.MinorFaults, out ulong last));
        Assert.Equal((ulong)VirtioBalloon.MaxStatsEntries - 1, last);
        Assert.Equal(6, h.Counter("stats-ignored-entries"));
        Assert.Equal(1, h.Counter("malformed-requests"));
    }

    [Fact]
    public void Report_FreeRanges_GivenBackEdgesKeptOutsideRamRefused()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { FreePageReporting = true }).Start();
        h.FillRam(0xaa);
        var ram = BalloonHarness.RamBase;

        var used = h.Send(
            h.Reporting!,
            h.ReportingIndex,
            new SimulatedBuffer(new GuestAddress(ram), (uint)(4 * Page), true),
            new SimulatedBuffer(new GuestAddress(ram + (8 * Page) + 100), (uint)(3 * Page), true),
            new SimulatedBuffer(new GuestAddress(ram + h.Ram.Size - Page), (uint)(2 * Page), true),
            new SimulatedBuffer(new GuestAddress(12 << 20), (uint)Page, true));

        Assert.Equal(0u, used.Length);
        Assert.True(h.PageIs(h.RamFirstPage + 3, 0));
        Assert.True(h.PageIs(h.RamFirstPage + 4, 0xaa));
        Assert.True(h.PageIs(h.RamFirstPage + 8, 0xaa));
        Assert.True(h.PageIs(h.RamFirstPage + 9, 0));
        Assert.True(h.PageIs(h.RamFirstPage + 10, 0));
        Assert.True(h.PageIs(h.RamFirstPage + 11, 0xaa));
        Assert.True(h.PageIs(h.RamFirstPage + h.RamPages - 1, 0));
        Assert.Equal((long)(7 * Page), h.Device.ReportedBytes);
        Assert.Equal((long)(3 * Page), h.Counter("refused-report-bytes")); // two pages outside RAM, the ragged edges of the second range
    }

    [Fact]
    public void Report_ReadableDescriptor_IgnoredAndCountedMalformed()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { FreePageReporting = true }).Start();
        h.FillRam(0xaa);

        h.Send(h.Reporting!, h.ReportingIndex, new SimulatedBuffer(new GuestAddress(BalloonHarness.RamBase), (uint)Page, false));

        Assert.Equal(1, h.Counter("malformed-requests"));
        Assert.Equal(0, h.Device.ReportedBytes);
        Assert.True(h.PageIs(h.RamFirstPage, 0xaa));
    }

    [Fact]
    public void Report_RangeWrappingTheAddressSpace_Refused()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { FreePageReporting = true }).Start();

        h.Send(h.Reporting!, h.ReportingIndex, new SimulatedBuffer(new GuestAddress(ulong.MaxValue - 4095), 0x10000, true));

        Assert.Equal(0, h.Device.ReportedBytes);
        Assert.Equal(0x10000, h.Counter("refused-report-bytes"));
    }

    [Fact]
    public void InflateDeflateReportStats_SteadyState_AllocateNothing()
    {
        using var h = new BalloonHarness(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromSeconds(1), FreePageReporting = true }).Start();
        var pages = h.Inflate.AllocateBuffer(256 * 4);
        for (int i = 0; i < 256; i++)
        {
            h.Memory.Write(pages.Add((ulong)(4 * i)), (uint)(h.RamFirstPage + (ulong)(2 * i)) ^ (i % 3 == 0 ? 0x40_0000u : 0));
        }

        h.Inflate.WriteDescriptor(0, new Descriptor(pages, 256 * 4, DescriptorFlags.None, 0));
        h.Deflate.WriteDescriptor(0, new Descriptor(pages, 256 * 4, DescriptorFlags.None, 0));
        h.Reporting!.WriteDescriptor(0, new Descriptor(new GuestAddress(BalloonHarness.RamBase), 64 << 10, DescriptorFlags.Write, 0));
        PostStats(h, (VirtioBalloonStatTag.FreeMemory, 1), (VirtioBalloonStatTag.TotalMemory, 2));
        h.Stats!.WriteDescriptor(0, new Descriptor(new GuestAddress(BalloonHarness.RamBase), 20, DescriptorFlags.None, 0));

        void Round()
        {
            h.Inflate.Publish(0);
            h.Transport.NotifyQueue(0);
            h.Deflate.Publish(0);
            h.Transport.NotifyQueue(1);
            h.Reporting.Publish(0);
            h.Transport.NotifyQueue(h.ReportingIndex);
            h.Stats.Publish(0);
            h.Transport.NotifyQueue(h.StatsIndex);
            h.Device.RequestStatistics();
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Round();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101 * 85, h.Device.InflatedPages); // 128 pages fall in the 1 MiB of RAM, 43 of them moved out of it
    }

    private static ushort PostStats(BalloonHarness h, params (VirtioBalloonStatTag Tag, ulong Value)[] entries)
    {
        var bytes = new byte[entries.Length * 10];
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 10), (ushort)entries[i].Tag);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * 10) + 2), entries[i].Value);
        }

        var buffer = h.Stats!.AllocateBuffer((uint)bytes.Length);
        h.Memory.Write(buffer, bytes);
        ushort head = h.Stats.AddChain(new SimulatedBuffer(buffer, (uint)bytes.Length, false));
        h.Driver.Notify(h.StatsIndex);
        return head;
    }
}
