namespace Vmm.Memory.Tests;

/// <summary><see cref="MemoryRegion.TryDiscard"/>: pages given back to the host, and the cases it refuses.</summary>
public sealed class RegionDiscardTests
{
    private const ulong Page = 4096;

    [Fact]
    public void TryDiscard_TouchedPrivateAnonymousPages_ResidentSetShrinksAndPagesReadZero()
    {
        const ulong size = 64 * Page;
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0x10_0000), size);
        var memory = GuestMemory.Create(region);
        memory.Fill(region.GuestBase, size, 0xa5);
        long before = ResidentBytes(region);
        Assert.Equal((long)size, before);

        Assert.True(region.TryDiscard(8 * Page, 32 * Page));

        Assert.Equal((long)(size - (32 * Page)), ResidentBytes(region));
        Assert.Equal(0, memory.Read<byte>(region.GuestBase.Add(8 * Page)));
        Assert.Equal(0UL, memory.Read<ulong>(region.GuestBase.Add((40 * Page) - 8)));
        Assert.Equal(0xa5, memory.Read<byte>(region.GuestBase.Add((8 * Page) - 1)));
        Assert.Equal(0xa5, memory.Read<byte>(region.GuestBase.Add(40 * Page)));
    }

    [Fact]
    public void TryDiscard_Memfd_PagesRemovedFromTheFile()
    {
        using var region = MemoryRegion.CreateMemfd(new GuestAddress(0), 4 * Page, "vmm-discard");
        var memory = GuestMemory.Create(region);
        memory.Fill(new GuestAddress(0), 4 * Page, 0x77);

        Assert.True(region.TryDiscard(Page, 2 * Page));

        var file = new byte[4 * Page];
        Assert.Equal(file.Length, RandomAccess.Read(region.File!, file, 0));
        Assert.All(file.AsSpan((int)Page, 2 * (int)Page).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(0x77, file[(int)Page - 1]);
        Assert.Equal(0x77, file[3 * (int)Page]);
    }

    [Fact]
    public void TryDiscard_DirtyTracking_DiscardedPagesMarkedDirty()
    {
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), 8 * Page, MemoryRegionOptions.Default with { TrackDirtyPages = true });

        Assert.True(region.TryDiscard(2 * Page, 3 * Page));

        Assert.Equal([2L, 3L, 4L], DirtyPageIndices(region.DirtyPages!));
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(1UL, 4096UL)]
    [InlineData(0UL, 100UL)]
    [InlineData(4096UL, 8 * 4096UL)]
    [InlineData(8 * 4096UL, 4096UL)]
    [InlineData(ulong.MaxValue - 4095, 8192UL)]
    [InlineData(4096UL, ulong.MaxValue - 4095)]
    public void TryDiscard_RangeEmptyMisalignedOrOutsideTheRegion_RefusedAndNothingDiscarded(ulong offset, ulong length)
    {
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), 8 * Page);
        var memory = GuestMemory.Create(region);
        memory.Fill(new GuestAddress(0), 8 * Page, 0x33);

        Assert.False(region.TryDiscard(offset, length));

        Assert.Equal((long)(8 * Page), ResidentBytes(region));
        Assert.Equal(0x33, memory.Read<byte>(new GuestAddress(7 * Page)));
    }

    [Fact]
    public void TryDiscard_FileTheCallerMapped_RefusedAndFileKept()
    {
        using var file = new TempFile(2 * (long)Page, fill: 0x11);
        using var shared = MemoryRegion.MapFile(new GuestAddress(0), file.Handle, 0, 2 * Page);
        using var readOnly = MemoryRegion.MapFile(new GuestAddress(0), file.Handle, 0, 2 * Page, MemoryRegionOptions.Default with { ReadOnly = true });

        Assert.False(shared.TryDiscard(0, Page));
        Assert.False(readOnly.TryDiscard(0, Page));

        Assert.All(file.ReadAll(), b => Assert.Equal(0x11, b));
        Assert.Equal(0x11, GuestMemory.Create(shared).Read<byte>(new GuestAddress(0)));
    }

    [Fact]
    public void TryDiscard_DisposedRegion_Throws()
    {
        var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), Page);
        region.Dispose();
        Assert.Throws<ObjectDisposedException>(() => region.TryDiscard(0, Page));
    }

    /// <summary>The resident pages of exactly the region, in bytes: the present bits of /proc/self/pagemap (smaps counts whole VMAs, which the kernel merges).</summary>
    private static long ResidentBytes(MemoryRegion region)
    {
        var entries = new byte[region.Size / Page * 8];
        using var pagemap = File.OpenHandle("/proc/self/pagemap");
        Assert.Equal(entries.Length, RandomAccess.Read(pagemap, entries, region.HostAddress / (long)Page * 8));
        long present = 0;
        for (int i = 0; i < entries.Length; i += 8)
        {
            present += (long)(BitConverter.ToUInt64(entries, i) >> 63);
        }

        return present * (long)Page;
    }

    private static long[] DirtyPageIndices(DirtyBitmap bitmap)
    {
        var pages = new List<long>();
        for (long page = 0; page < bitmap.PageCount; page++)
        {
            if (bitmap.IsDirty(page))
            {
                pages.Add(page);
            }
        }

        return [.. pages];
    }
}
