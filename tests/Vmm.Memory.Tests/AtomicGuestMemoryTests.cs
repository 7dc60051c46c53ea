namespace Vmm.Memory.Tests;

public sealed class AtomicGuestMemoryTests
{
    private const ulong Page = 4096;

    [Fact]
    public async Task AddRegion_ConcurrentReaders_SeeEitherTheOldOrTheNewSnapshot()
    {
        const int Added = 64;
        var first = MemoryRegion.CreateAnonymous(new GuestAddress(0), Page);
        var regions = new List<MemoryRegion> { first };
        var atomic = new AtomicGuestMemory(GuestMemory.Create(first));
        int done = 0;
        string? failure = null;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            int lastCount = 1;
            while (Volatile.Read(ref done) == 0)
            {
                var snapshot = atomic.Current;
                int count = snapshot.Regions.Count;
                // A snapshot with k regions backs exactly the pages 0, 2, 4, ... of its k regions, nothing else.
                bool consistent = count >= lastCount
                    && snapshot.TryRead(new GuestAddress((ulong)(count - 1) * 2 * Page), out ulong _)
                    && !snapshot.Contains(new GuestAddress((ulong)count * 2 * Page))
                    && snapshot.TotalSize == (ulong)count * Page;
                if (!consistent)
                {
                    failure = $"inconsistent snapshot of {count} regions after one of {lastCount}";
                    return;
                }

                lastCount = count;
            }
        }, TestContext.Current.CancellationToken)).ToArray();

        for (int i = 1; i <= Added; i++)
        {
            var region = MemoryRegion.CreateAnonymous(new GuestAddress((ulong)i * 2 * Page), Page);
            regions.Add(region);
            var published = atomic.AddRegion(region);
            Assert.Same(published, atomic.Current);
            Thread.Sleep(0);
        }

        Volatile.Write(ref done, 1);
        await Task.WhenAll(readers);
        Assert.Null(failure);
        Assert.Equal(Added + 1, atomic.Current.Regions.Count);
        foreach (var region in regions)
        {
            region.Dispose();
        }
    }

    [Fact]
    public void RemoveRegionAndReplace_PublishNewSnapshots()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), Page), new GuestRange(new GuestAddress(4 * Page), Page)]);
        try
        {
            var atomic = new AtomicGuestMemory(memory);
            var removed = atomic.RemoveRegion(memory.Regions[1]);
            Assert.Same(removed, atomic.Current);
            Assert.False(atomic.Current.Contains(new GuestAddress(4 * Page)));
            Assert.True(memory.Contains(new GuestAddress(4 * Page)));
            Assert.Same(removed, atomic.Replace(memory));
            Assert.Same(memory, atomic.Current);
            Assert.Throws<ArgumentNullException>(() => new AtomicGuestMemory(null!));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }
}
