namespace Vmm.Memory.Tests;

/// <summary>Regions are reference-counted: the creator and every snapshot holding a region keep it mapped.</summary>
public sealed class RegionLifetimeTests
{
    private const ulong Page = 4096;

    [Fact]
    public void Dispose_AllocatedMemory_UnmapsItsRegions()
    {
        var memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, Page), new GuestRange(new GuestAddress(2 * Page), Page)]);
        var regions = memory.Regions.ToArray();
        Assert.All(regions, r => Assert.Equal(1, r.ReferenceCount));
        memory.Write(new GuestAddress(2 * Page), 5UL);

        memory.Dispose();
        memory.Dispose();

        Assert.True(memory.IsDisposed);
        Assert.All(regions, r => Assert.True(r.IsDisposed));
    }

    [Fact]
    public void Dispose_RegionStillInASnapshot_StaysMappedUntilTheSnapshotGoes()
    {
        var region = MemoryRegion.CreateMemfd(GuestAddress.Zero, Page, "vmm-lifetime");
        var file = region.File!;
        var memory = GuestMemory.Create(region);
        Assert.Equal(2, region.ReferenceCount);

        region.Dispose();
        region.Dispose();

        Assert.False(region.IsDisposed);
        Assert.False(file.IsClosed);
        Assert.Equal(1, region.ReferenceCount);
        memory.Write(new GuestAddress(8), 0x1122334455667788UL);
        Assert.Equal(0x1122334455667788UL, memory.Read<ulong>(new GuestAddress(8)));
        Assert.NotEqual(0, region.HostAddress);

        memory.Dispose();

        Assert.True(region.IsDisposed);
        Assert.True(file.IsClosed);
        Assert.Equal(0, region.ReferenceCount);
        Assert.Throws<ObjectDisposedException>(() => region.HostAddress);
    }

    [Fact]
    public void Create_RegionWhoseCreatorDisposedItButASnapshotHoldsIt_Accepted()
    {
        var region = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page);
        var first = GuestMemory.Create(region);
        region.Dispose();

        var second = GuestMemory.Create(region);
        first.Dispose();
        second.Write(GuestAddress.Zero, 3u);
        Assert.False(region.IsDisposed);

        second.Dispose();
        Assert.True(region.IsDisposed);
        Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Create(region));
    }

    [Fact]
    public void DisposeRegions_AnotherSnapshotHoldsARegion_KeepsOnlyThatOneMapped()
    {
        var memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, Page), new GuestRange(new GuestAddress(4 * Page), Page)]);
        var low = memory.Regions[0];
        var high = memory.Regions[1];
        var derived = memory.WithoutRegion(high);

        memory.DisposeRegions();

        Assert.True(memory.IsDisposed);
        Assert.True(high.IsDisposed);
        Assert.False(low.IsDisposed);
        derived.Write(new GuestAddress(16), 9u);
        Assert.Equal(9u, derived.Read<uint>(new GuestAddress(16)));

        derived.DisposeRegions();
        Assert.True(low.IsDisposed);
    }

    [Fact]
    public void DisposeRegions_CallerCreatedRegions_UnmapsThem()
    {
        var region = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page);
        var memory = GuestMemory.Create(region);

        memory.DisposeRegions();

        Assert.True(region.IsDisposed);
        Assert.True(memory.IsDisposed);
    }

    [Fact]
    public void AcquireRelease_Balanced_LastReferenceReleasesTheRegions()
    {
        using var region = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page);
        var memory = GuestMemory.Create(region);
        Assert.Same(memory, memory.Acquire());
        Assert.True(memory.TryAcquire());

        memory.Dispose();
        memory.Release();
        Assert.False(memory.IsDisposed);
        Assert.Equal(2, region.ReferenceCount);

        memory.Release();
        Assert.True(memory.IsDisposed);
        Assert.Equal(1, region.ReferenceCount);
        Assert.False(region.IsDisposed);
    }

    [Fact]
    public void Acquire_AfterTheLastReference_ThrowsObjectDisposed()
    {
        using var region = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page);
        using var other = MemoryRegion.CreateAnonymous(new GuestAddress(Page), Page);
        var memory = GuestMemory.Create(region);
        memory.Dispose();

        Assert.False(memory.TryAcquire());
        Assert.Throws<ObjectDisposedException>(() => memory.Acquire());
        Assert.Throws<ObjectDisposedException>(() => memory.Release());
        Assert.Throws<ObjectDisposedException>(() => memory.WithRegion(other));
        Assert.Throws<ObjectDisposedException>(() => memory.WithoutRegion(region));
        memory.Dispose();
        Assert.Equal(1, region.ReferenceCount);
    }
}
