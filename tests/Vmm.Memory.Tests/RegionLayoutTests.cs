using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Vmm.Memory.Tests;

public sealed class RegionLayoutTests
{
    private const ulong Page = 4096;

    private static MemoryRegion Region(ulong guestBase, ulong size, MemoryRegionOptions? options = null) =>
        MemoryRegion.CreateAnonymous(new GuestAddress(guestBase), size, options);

    [Fact]
    public void Create_NoRegion_Throws()
    {
        Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Create());
        Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Allocate([]));
    }

    [Fact]
    public void Create_Unsorted_ThrowsNamingBothRegions()
    {
        using var high = Region(0x10000, Page);
        using var low = Region(0, Page);
        var e = Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Create(high, low));
        Assert.Contains("sorted", e.Message, StringComparison.Ordinal);
        Assert.Contains(high.Range.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Overlapping_Throws()
    {
        using var a = Region(0, 2 * Page);
        using var b = Region(Page, Page);
        var e = Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Create(a, b));
        Assert.Contains("overlaps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SameRegionTwice_Throws()
    {
        using var a = Region(0, Page);
        Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Create(a, a));
    }

    [Fact]
    public void Create_DisposedRegion_Throws()
    {
        var a = Region(0, Page);
        a.Dispose();
        Assert.Throws<InvalidRegionLayoutException>(() => GuestMemory.Create(a));
    }

    [Fact]
    public void Create_SortedAdjacent_AcceptedAndAccessesSplit()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), Page), new GuestRange(new GuestAddress(Page), Page)]);
        try
        {
            Assert.Equal(2, memory.Regions.Count);
            Assert.Equal(2 * Page, memory.TotalSize);
            Assert.Equal(new GuestAddress((2 * Page) - 1), memory.LastAddress);
            memory.Write(new GuestAddress(Page - 4), 0x1122334455667788UL);
            Assert.Equal(0x1122334455667788UL, memory.Read<ulong>(new GuestAddress(Page - 4)));
            Assert.Equal(0x55667788u, BitConverter.ToUInt32(memory.Regions[0].GetReadOnlySpan(Page - 4, 4)));
            Assert.Equal(0x11223344u, BitConverter.ToUInt32(memory.Regions[1].GetReadOnlySpan(0, 4)));
            Assert.False(memory.TryGetReadOnlySpan(new GuestAddress(Page - 4), 8, out _));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(0UL, 100UL)]
    [InlineData(1UL, Page)]
    [InlineData(0x800UL, Page)]
    public void CreateAnonymous_BadGeometry_Throws(ulong guestBase, ulong size)
    {
        Assert.Throws<InvalidRegionLayoutException>(() => Region(guestBase, size));
    }

    [Fact]
    public void CreateAnonymous_PastTopOfAddressSpace_Throws()
    {
        Assert.Throws<GuestAddressOverflowException>(() => Region(0xffff_ffff_ffff_f000, 2 * Page));
    }

    [Fact]
    public void CreateAnonymous_ReadOnly_Throws()
    {
        Assert.Throws<ArgumentException>(() => Region(0, Page, new MemoryRegionOptions { ReadOnly = true }));
    }

    [Fact]
    public void Region_EndingAtTopOfAddressSpace_ReadsAndWritesTheLastBytes()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0xffff_ffff_ffff_0000), 0x1_0000)]);
        try
        {
            Assert.Equal(GuestAddress.MaxValue, memory.LastAddress);
            memory.Write(new GuestAddress(ulong.MaxValue - 7), ulong.MaxValue - 1);
            Assert.Equal(ulong.MaxValue - 1, memory.Read<ulong>(new GuestAddress(ulong.MaxValue - 7)));
            memory.StoreReleaseUInt64(new GuestAddress(ulong.MaxValue - 7), 42);
            Assert.Equal(42UL, memory.LoadAcquireUInt64(new GuestAddress(ulong.MaxValue - 7)));
            memory.Write(GuestAddress.MaxValue, (byte)0xa7);
            Assert.Equal(0xa7, memory.Read<byte>(GuestAddress.MaxValue));
            Assert.True(memory.TryGetReadOnlySpan(new GuestAddress(ulong.MaxValue - 15), 16, out var span) && span.Length == 16);

            var e = Assert.Throws<GuestAddressOverflowException>(() => memory.Read<ulong>(new GuestAddress(ulong.MaxValue - 3)));
            Assert.Contains("0xfffffffffffffffc", e.Message, StringComparison.Ordinal);
            Assert.Equal(4, memory.ReadPartial(new GuestAddress(ulong.MaxValue - 3), new byte[8]));
            Assert.Equal(4, memory.WritePartial(new GuestAddress(ulong.MaxValue - 3), new byte[8]));
            Assert.False(memory.TryWrite(new GuestAddress(ulong.MaxValue), (ushort)1));
            Assert.False(memory.IsValidRange(new GuestAddress(ulong.MaxValue), 2));
            Assert.True(memory.IsValidRange(new GuestAddress(ulong.MaxValue), 1));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Read_Hole_ThrowsNamingTheFaultAddress()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), Page), new GuestRange(new GuestAddress(3 * Page), Page)]);
        try
        {
            var e = Assert.Throws<GuestMemoryAccessException>(() => memory.Read(new GuestAddress(Page - 2), new byte[4]));
            Assert.Equal(new GuestAddress(Page), e.FaultAddress);
            Assert.Equal(new GuestAddress(Page - 2), e.Address);
            Assert.Equal(4UL, e.Length);
            Assert.Contains("0x0000000000001000", e.Message, StringComparison.Ordinal);
            Assert.Contains("0x0000000000000ffe", e.Message, StringComparison.Ordinal);

            var w = Assert.Throws<GuestMemoryAccessException>(() => memory.Write(new GuestAddress(2 * Page), 1u));
            Assert.Equal(new GuestAddress(2 * Page), w.FaultAddress);
            Assert.Equal(0UL, memory.Read<ulong>(new GuestAddress(Page - 8)));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void AtomicAccess_Misaligned_ThrowsMisalignedNamingTheAddress()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), Page)]);
        try
        {
            var e = Assert.Throws<MisalignedAccessException>(() => memory.LoadAcquireUInt32(new GuestAddress(6)));
            Assert.Equal(4, e.Alignment);
            Assert.Contains("0x0000000000000006", e.Message, StringComparison.Ordinal);
            Assert.Throws<MisalignedAccessException>(() => memory.StoreReleaseUInt16(new GuestAddress(1), 1));
            Assert.Throws<MisalignedAccessException>(() => memory.CompareExchangeUInt64(new GuestAddress(4), 1, 0));
            Assert.False(memory.TryLoadAcquireUInt64(new GuestAddress(4), out _));
            Assert.Equal(0UL, memory.CompareExchangeUInt64(new GuestAddress(8), 5, 0));
            Assert.Equal(5UL, memory.CompareExchangeUInt64(new GuestAddress(8), 7, 0));
            Assert.Equal(5UL, memory.LoadAcquireUInt64(new GuestAddress(8)));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void WithRegion_HotAdd_KeepsOrderAndOldSnapshotUnchanged()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0x10_0000), Page)]);
        using var low = Region(0, Page);
        using var overlapping = Region(0x10_0000, Page);
        var next = memory.WithRegion(low);
        try
        {
            Assert.Same(low, next.Regions[0]);
            Assert.Single(memory.Regions);
            Assert.False(memory.Contains(GuestAddress.Zero));
            Assert.True(next.Contains(GuestAddress.Zero));
            Assert.Throws<InvalidRegionLayoutException>(() => next.WithRegion(overlapping));
            var removed = next.WithoutRegion(low);
            Assert.Equal(memory.Regions, removed.Regions);
            Assert.Throws<ArgumentException>(() => memory.WithoutRegion(low));
            Assert.Throws<InvalidRegionLayoutException>(() => memory.WithoutRegion(memory.Regions[0]));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    /// <summary>Create accepts a region list exactly when it is non-empty, sorted and free of overlaps.</summary>
    [Property(MaxTest = 200)]
    public Property Create_AnyRegionList_AcceptedExactlyWhenSortedAndDisjoint(byte[] startPages, byte[] sizePages)
    {
        int count = Math.Min(Math.Min(startPages.Length, sizePages.Length), 6);
        var regions = new MemoryRegion[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                regions[i] = Region((ulong)(startPages[i] % 16) * Page, (ulong)((sizePages[i] % 3) + 1) * Page);
            }

            bool model = count > 0;
            for (int i = 1; i < count; i++)
            {
                model &= regions[i].GuestBase.Value >= regions[i - 1].GuestBase.Value + regions[i - 1].Size;
            }

            bool accepted;
            try
            {
                GuestMemory.Create(regions);
                accepted = true;
            }
            catch (InvalidRegionLayoutException)
            {
                accepted = false;
            }

            return (accepted == model).Label(string.Join(", ", regions.Select(r => r.Range.ToString())));
        }
        finally
        {
            foreach (var region in regions)
            {
                region?.Dispose();
            }
        }
    }
}
