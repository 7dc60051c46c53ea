using System.Collections.Concurrent;

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

    [Fact]
    public void RemoveRegion_ReaderHoldsTheOldSnapshot_ReaderKeepsAccessUntilItReleases()
    {
        var low = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page);
        var high = MemoryRegion.CreateAnonymous(new GuestAddress(4 * Page), Page, new MemoryRegionOptions { TrackDirtyPages = true });
        var initial = GuestMemory.Create(low, high);
        using var atomic = new AtomicGuestMemory(initial);
        initial.Dispose();
        var reader = atomic.Acquire();
        Assert.Same(initial, reader);

        // Hot-remove: publish the snapshot without the region, and let its creator go at once.
        var current = atomic.RemoveRegion(high);
        high.Dispose();

        Assert.False(current.Contains(new GuestAddress(4 * Page)));
        Assert.False(high.IsDisposed);
        reader.Write(new GuestAddress((4 * Page) + 8), 0xfeedUL);
        Assert.Equal(0xfeedUL, reader.Read<ulong>(new GuestAddress((4 * Page) + 8)));
        Assert.True(high.DirtyPages!.IsDirty(0));

        reader.Release();

        Assert.True(reader.IsDisposed);
        Assert.True(high.IsDisposed);
        Assert.Equal(0, high.ReferenceCount);
        Assert.False(low.IsDisposed);
        atomic.Dispose();
        low.Dispose();
        Assert.True(low.IsDisposed);
    }

    [Fact]
    public async Task Acquire_RegionsHotRemovedAndDisposedConcurrently_ReadersOnlyTouchMappedMemory()
    {
        const int Swaps = 200;
        var fixedRegion = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page);
        var initial = GuestMemory.Create(fixedRegion);
        var atomic = new AtomicGuestMemory(initial);
        initial.Dispose();
        fixedRegion.Dispose();
        int done = 0;
        string? failure = null;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (Volatile.Read(ref done) == 0 && failure is null)
            {
                var snapshot = atomic.Acquire();
                try
                {
                    // Every region carries its own guest address in its first 8 bytes.
                    foreach (var region in snapshot.Regions.Skip(1))
                    {
                        ulong tag = snapshot.Read<ulong>(region.GuestBase);
                        if (tag != region.GuestBase.Value)
                        {
                            failure = $"{region} reads 0x{tag:x}";
                        }

                        snapshot.Write(region.GuestBase + 8, tag);
                    }
                }
                finally
                {
                    snapshot.Release();
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();

        var removed = new ConcurrentQueue<MemoryRegion>();
        MemoryRegion? previous = null;
        for (int i = 1; i <= Swaps; i++)
        {
            var region = MemoryRegion.CreateAnonymous(new GuestAddress((ulong)i * 2 * Page), Page);
            BitConverter.TryWriteBytes(region.GetWritableSpan(0, 8), region.GuestBase.Value);
            atomic.AddRegion(region);
            region.Dispose();
            if (previous is not null)
            {
                atomic.RemoveRegion(previous);
                removed.Enqueue(previous);
            }

            previous = region;
            Thread.Sleep(0);
        }

        Volatile.Write(ref done, 1);
        await Task.WhenAll(readers);
        Assert.Null(failure);
        Assert.Equal(Swaps - 1, removed.Count);
        Assert.All(removed, r => Assert.True(r.IsDisposed));
        Assert.False(previous!.IsDisposed);
        atomic.Dispose();
        Assert.True(previous.IsDisposed);
        Assert.True(fixedRegion.IsDisposed);
    }

    [Fact]
    public void Replace_AtomicHeldThePreviousSnapshot_HandsThatReferenceToTheCaller()
    {
        var first = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, Page)]);
        var second = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, Page)]);
        var atomic = new AtomicGuestMemory(first);
        first.Dispose();

        var previous = atomic.Replace(second);
        second.Dispose();

        Assert.Same(first, previous);
        Assert.False(first.IsDisposed);
        previous.Release();
        Assert.True(first.IsDisposed);
        Assert.Same(second, atomic.Current);
        Assert.False(second.IsDisposed);
        atomic.Dispose();
        Assert.True(second.IsDisposed);
        Assert.True(second.Regions[0].IsDisposed);
    }

    [Fact]
    public void Dispose_ReaderStillHoldsTheSnapshot_ItStaysMappedAndTheAtomicRefusesUse()
    {
        var memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, Page)]);
        var region = memory.Regions[0];
        var atomic = new AtomicGuestMemory(memory);
        memory.Dispose();
        var reader = atomic.Acquire();

        atomic.Dispose();
        atomic.Dispose();

        Assert.Throws<ObjectDisposedException>(() => atomic.Acquire());
        Assert.Throws<ObjectDisposedException>(() => atomic.RemoveRegion(region));
        Assert.Throws<ObjectDisposedException>(() => atomic.Replace(reader));
        Assert.False(region.IsDisposed);
        reader.Write(GuestAddress.Zero, 1u);
        reader.Release();
        Assert.True(region.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => new AtomicGuestMemory(memory));
    }
}
