using Vmm.Memory;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests.Balloon;

/// <summary>The point of a balloon: inflated pages leave the VMM process's resident memory.</summary>
[Collection(nameof(ResidentMemoryCollection))]
public sealed class BalloonResidentMemoryTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void Inflate_32MiBOfTouched64MiBGuest_ProcessAndMappingRssDropBy32MiB()
    {
        using var h = new BalloonHarness(ramBytes: 64 << 20).Start();
        h.FillRam(0x5a);
        Settle();
        long mappingBefore = ResidentMemory.Of(h.Ram);
        long processBefore = ResidentMemory.Process();
        Assert.InRange(mappingBefore, 63 * MiB, 64 * MiB);

        // Pages [8 MiB, 40 MiB) of the RAM, 256 per request in descending order, as Linux's fill_balloon sends them.
        ulong firstPage = h.RamFirstPage + (8 * MiB / 4096);
        for (int request = 0; request < 32; request++)
        {
            var pages = new uint[256];
            for (int i = 0; i < pages.Length; i++)
            {
                pages[i] = (uint)(firstPage + (ulong)(request * 256) + 255 - (ulong)i);
            }

            h.SendPages(h.Inflate, 0, pages);
        }

        Settle();
        long mappingDrop = mappingBefore - ResidentMemory.Of(h.Ram);
        long processDrop = processBefore - ResidentMemory.Process();
        TestContext.Current.SendDiagnosticMessage($"mapping RSS -{mappingDrop / 1024} KiB, process VmRSS -{processDrop / 1024} KiB after inflating 32 MiB");

        Assert.Equal(8192, h.Device.InflatedPages);
        Assert.Equal(32, h.Counter("discard-calls"));
        Assert.InRange(mappingDrop, 32 * MiB * 9 / 10, 32 * MiB * 11 / 10);
        Assert.InRange(processDrop, 32 * MiB * 9 / 10, 32 * MiB * 11 / 10);
        Assert.Equal(0UL, h.Memory.Read<ulong>(new GuestAddress(firstPage * 4096)));
        Assert.Equal(0x5a5a5a5a5a5a5a5aUL, h.Memory.Read<ulong>(new GuestAddress((firstPage * 4096) - 8)));
    }

    private static void Settle()
    {
        // Aggressive: the GC gives its free memory back to the OS now rather than later, so VmRSS moves only with guest memory.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
