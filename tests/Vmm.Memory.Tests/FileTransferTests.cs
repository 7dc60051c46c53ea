namespace Vmm.Memory.Tests;

public sealed class FileTransferTests
{
    private const ulong Page = 4096;

    private static GuestMemory SplitMemory() => GuestMemory.Allocate(
        [new GuestRange(new GuestAddress(0), Page), new GuestRange(new GuestAddress(Page), 2 * Page), new GuestRange(new GuestAddress(8 * Page), Page)],
        new MemoryRegionOptions { TrackDirtyPages = true });

    [Fact]
    public void ReadFromFileThenWriteToFile_AcrossARegionSplit_RoundTrips()
    {
        var memory = SplitMemory();
        using var source = new TempFile(3 * (long)Page);
        using var target = new TempFile(3 * (long)Page);
        try
        {
            var data = new byte[6000];
            new Random(7).NextBytes(data);
            RandomAccess.Write(source.Handle, data, 100);

            Assert.Equal(6000, memory.ReadFromFile(source.Handle, 100, new GuestAddress(Page - 1000), 6000));
            var viaMemory = new byte[6000];
            memory.Read(new GuestAddress(Page - 1000), viaMemory);
            Assert.Equal(data, viaMemory);
            Assert.True(memory.Regions[0].DirtyPages!.IsDirty(0));
            Assert.True(memory.Regions[1].DirtyPages!.IsDirty(0));
            Assert.True(memory.Regions[1].DirtyPages!.IsDirty(1));
            Assert.False(memory.Regions[2].DirtyPages!.IsDirty(0));

            memory.WriteToFile(target.Handle, 7, new GuestAddress(Page - 1000), 6000);
            Assert.Equal(data, target.ReadAll().AsSpan(7, 6000).ToArray());
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void ReadFromFile_AtEndOfFile_ReturnsTheBytesRead()
    {
        var memory = SplitMemory();
        using var source = new TempFile(100, fill: 0x44);
        try
        {
            Assert.Equal(40, memory.ReadFromFile(source.Handle, 60, new GuestAddress(Page - 20), 200));
            Assert.Equal(0x44, memory.Read<byte>(new GuestAddress(Page + 19)));
            Assert.Equal(0, memory.Read<byte>(new GuestAddress(Page + 20)));
            Assert.Equal(0, memory.ReadFromFile(source.Handle, 100, new GuestAddress(0), 10));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void ReadFromFile_RangeTouchingAHole_ThrowsAndReadsNothing()
    {
        var memory = SplitMemory();
        using var source = new TempFile((long)Page, fill: 0x55);
        try
        {
            var e = Assert.Throws<GuestMemoryAccessException>(() => memory.ReadFromFile(source.Handle, 0, new GuestAddress(3 * Page - 10), 20));
            Assert.Equal(new GuestAddress(3 * Page), e.FaultAddress);
            Assert.Equal(0, memory.Read<byte>(new GuestAddress(3 * Page - 10)));
            Assert.Equal(0, memory.Regions[1].DirtyPages!.CountDirty());
            Assert.Throws<GuestMemoryAccessException>(() => memory.WriteToFile(source.Handle, 0, new GuestAddress(3 * Page), 1));
            Assert.Equal(0x55, source.ReadAll()[0]);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void ReadFromFile_NegativeArguments_Throw()
    {
        var memory = SplitMemory();
        using var source = new TempFile(10);
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadFromFile(source.Handle, -1, GuestAddress.Zero, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadFromFile(source.Handle, 0, GuestAddress.Zero, -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.WriteToFile(source.Handle, 0, GuestAddress.Zero, -1));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }
}
