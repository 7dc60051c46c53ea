namespace Vmm.Memory.Tests;

public sealed class MemoryRegionTests
{
    private const ulong Page = 4096;

    [Fact]
    public void CreateMemfd_WrittenThroughGuestMemory_VisibleThroughTheFileAndASecondMapping()
    {
        using var region = MemoryRegion.CreateMemfd(new GuestAddress(0x1000), 4 * Page, "vmm-test");
        Assert.NotNull(region.File);
        Assert.False(region.File.IsInvalid);
        Assert.True(region.Options.Shared);
        var memory = GuestMemory.Create(region);
        memory.Write(new GuestAddress(0x1000 + Page + 3), 0xdeadbeefcafef00dUL);

        var viaFile = new byte[8];
        Assert.Equal(8, RandomAccess.Read(region.File, viaFile, (long)Page + 3));
        Assert.Equal(0xdeadbeefcafef00dUL, BitConverter.ToUInt64(viaFile));

        using var second = MemoryRegion.MapFile(new GuestAddress(0), region.File, (long)Page, Page);
        Assert.Equal(0xdeadbeefcafef00dUL, BitConverter.ToUInt64(second.GetReadOnlySpan(3, 8)));
        second.GetWritableSpan(100, 1)[0] = 0x5a;
        Assert.Equal(0x5a, memory.Read<byte>(new GuestAddress(0x1000 + Page + 100)));
    }

    [Fact]
    public void MapFile_Shared_GuestWritesReachTheFile()
    {
        using var file = new TempFile(3 * (long)Page, fill: 0x11);
        using (var region = MemoryRegion.MapFile(new GuestAddress(0x10_0000), file.Handle, (long)Page, 2 * Page))
        {
            var memory = GuestMemory.Create(region);
            Assert.Equal(0x11, memory.Read<byte>(new GuestAddress(0x10_0000)));
            memory.Write(new GuestAddress(0x10_0000 + 10), "hello"u8);
            memory.Fill(new GuestAddress(0x10_0000 + Page), 4, 0x22);
        }

        var content = file.ReadAll();
        Assert.Equal("hello"u8.ToArray(), content.AsSpan((int)Page + 10, 5).ToArray());
        Assert.Equal(new byte[] { 0x22, 0x22, 0x22, 0x22, 0x11 }, content.AsSpan(2 * (int)Page, 5).ToArray());
        Assert.Equal(0x11, content[0]);
    }

    [Fact]
    public void MapFile_Private_GuestWritesStayPrivate()
    {
        using var file = new TempFile((long)Page, fill: 0x11);
        using (var region = MemoryRegion.MapFile(new GuestAddress(0), file.Handle, 0, Page, MemoryRegionOptions.Default))
        {
            var memory = GuestMemory.Create(region);
            memory.Write(new GuestAddress(0), 0x99);
            Assert.Equal(0x99, memory.Read<byte>(new GuestAddress(0)));
        }

        Assert.Equal(0x11, file.ReadAll()[0]);
    }

    [Fact]
    public void MapFile_ReadOnly_WritesFailWithTypedErrorNotAFault()
    {
        using var file = new TempFile((long)Page, fill: 0x33);
        using var region = MemoryRegion.MapFile(new GuestAddress(0x2000), file.Handle, 0, Page, new MemoryRegionOptions { Shared = true, ReadOnly = true });
        var memory = GuestMemory.Create(region);
        Assert.Equal(0x33333333u, memory.Read<uint>(new GuestAddress(0x2000)));
        var e = Assert.Throws<ReadOnlyGuestMemoryException>(() => memory.Write(new GuestAddress(0x2010), 1u));
        Assert.Equal(new GuestAddress(0x2010), e.FaultAddress);
        Assert.Contains("0x0000000000002010", e.Message, StringComparison.Ordinal);
        Assert.False(memory.TryWrite(new GuestAddress(0x2000), (byte)1));
        Assert.False(memory.TryGetWritableSpan(new GuestAddress(0x2000), 4, out _));
        Assert.False(memory.TryStoreReleaseUInt32(new GuestAddress(0x2000), 1));
        Assert.Equal(0, memory.WritePartial(new GuestAddress(0x2000), new byte[4]));
        Assert.Throws<ReadOnlyGuestMemoryException>(() => memory.Fill(new GuestAddress(0x2000), 1, 0));
        Assert.True(memory.TryGetReadOnlySpan(new GuestAddress(0x2000), 4, out _));
    }

    [Fact]
    public void MapFile_PastEndOfFile_ThrowsInsteadOfRiskingSigbus()
    {
        using var file = new TempFile((long)Page);
        Assert.Throws<ArgumentException>(() => MemoryRegion.MapFile(new GuestAddress(0), file.Handle, 0, 2 * Page));
        Assert.Throws<ArgumentException>(() => MemoryRegion.MapFile(new GuestAddress(0), file.Handle, (long)Page, Page * 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryRegion.MapFile(new GuestAddress(0), file.Handle, 100, Page));
    }

    [Fact]
    public void CreateAnonymous_TransparentHugePages_Works()
    {
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), 4UL << 20, new MemoryRegionOptions { HugePages = HugePageMode.Transparent });
        var memory = GuestMemory.Create(region);
        memory.Write(new GuestAddress((2UL << 20) + 5), 7UL);
        Assert.Equal(7UL, memory.Read<ulong>(new GuestAddress((2UL << 20) + 5)));
    }

    /// <summary>
    /// hugetlbfs pages come from a pool the administrator reserves (vm.nr_hugepages), which is usually empty on
    /// build machines, so creation either works or fails with an IOException from mmap; it must not crash or hang.
    /// </summary>
    [Fact]
    public void CreateAnonymous_HugeTlbFs_WorksOrFailsWithIOException()
    {
        try
        {
            using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), 2UL << 20, new MemoryRegionOptions { HugePages = HugePageMode.HugeTlbFs });
            var memory = GuestMemory.Create(region);
            memory.Write(new GuestAddress(0x1234), 9u);
            Assert.Equal(9u, memory.Read<uint>(new GuestAddress(0x1234)));
        }
        catch (IOException e)
        {
            Assert.Contains("mmap", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CreateAnonymous_WithoutNoReserveOrDontFork_Works()
    {
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), Page, new MemoryRegionOptions { NoReserve = false, DontFork = false, Shared = true });
        region.GetWritableSpan(0, 1)[0] = 1;
        Assert.Equal(1, GuestMemory.Create(region).Read<byte>(GuestAddress.Zero));
    }

    [Fact]
    public void Dispose_Twice_UnmapsOnceAndClosesTheMemfd()
    {
        var region = MemoryRegion.CreateMemfd(new GuestAddress(0), Page, "vmm-dispose");
        Assert.NotEqual(0, region.HostAddress);
        var file = region.File!;
        region.Dispose();
        region.Dispose();
        Assert.True(region.IsDisposed);
        Assert.True(file.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => region.HostAddress);
        Assert.Throws<ObjectDisposedException>(() => region.GetWritableSpan(0, 1));
        Assert.Throws<ObjectDisposedException>(() => region.GetReadOnlySpan(0, 1));
    }

    [Fact]
    public void Dispose_FileMapping_LeavesTheCallersFileOpen()
    {
        using var file = new TempFile((long)Page);
        var region = MemoryRegion.MapFile(new GuestAddress(0), file.Handle, 0, Page);
        region.Dispose();
        Assert.False(file.Handle.IsClosed);
    }

    [Fact]
    public void GetWritableSpan_OutsideTheRegion_Throws()
    {
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0), Page);
        Assert.Equal((int)Page, region.GetWritableSpan(0, (int)Page).Length);
        Assert.Equal(0, region.GetWritableSpan(Page, 0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => region.GetWritableSpan(1, (int)Page));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.GetWritableSpan(Page + 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.GetWritableSpan(ulong.MaxValue, 2));
    }

    [Fact]
    public void Properties_AnonymousRegion_DescribeIt()
    {
        using var region = MemoryRegion.CreateAnonymous(new GuestAddress(0x4000), 2 * Page);
        Assert.Equal(new GuestRange(new GuestAddress(0x4000), 2 * Page), region.Range);
        Assert.Equal(new GuestAddress(0x5fff), region.LastAddress);
        Assert.True(region.Contains(new GuestAddress(0x5fff)));
        Assert.False(region.Contains(new GuestAddress(0x6000)));
        Assert.False(region.Contains(new GuestAddress(0x3fff)));
        Assert.Null(region.File);
        Assert.Null(region.DirtyPages);
    }
}
