namespace Vmm.Memory.Tests;

/// <summary>
/// A read-only region is mapped PROT_READ: a store through any pointer or span into it would kill the host with SIGSEGV,
/// so it must only ever hand out read-only views, and every request to write it must fail in a typed way.
/// </summary>
public sealed class ReadOnlyRegionTests
{
    private const ulong Page = 4096;

    private static MemoryRegion MapReadOnly(TempFile file, ulong guestBase) =>
        MemoryRegion.MapFile(new GuestAddress(guestBase), file.Handle, 0, (ulong)RandomAccess.GetLength(file.Handle), new MemoryRegionOptions { Shared = true, ReadOnly = true });

    [Fact]
    public void GetWritableSpan_ReadOnlyRegion_ThrowsReadOnlyGuestMemoryException()
    {
        using var file = new TempFile(2 * (long)Page, fill: 0x33);
        using var region = MapReadOnly(file, 0x8000);
        var e = Assert.Throws<ReadOnlyGuestMemoryException>(() => region.GetWritableSpan(Page + 8, 4));
        Assert.Equal(new GuestAddress(0x8000 + Page + 8), e.Address);
        Assert.Equal(new GuestAddress(0x8000 + Page + 8), e.FaultAddress);
        Assert.Equal(4UL, e.Length);
        Assert.Equal(0x33333333u, BitConverter.ToUInt32(region.GetReadOnlySpan(Page + 8, 4)));
        Assert.Equal(0, region.GetWritableSpan(Page, 0).Length);
    }

    [Fact]
    public void TryGetWritableSpan_ReadOnlyRegionBetweenWritableOnes_FalseWhileReadsWork()
    {
        using var file = new TempFile((long)Page, fill: 0x44);
        using var low = MemoryRegion.CreateAnonymous(GuestAddress.Zero, Page, new MemoryRegionOptions { TrackDirtyPages = true });
        using var rom = MapReadOnly(file, Page);
        using var high = MemoryRegion.CreateAnonymous(new GuestAddress(2 * Page), Page);
        using var memory = GuestMemory.Create(low, rom, high);

        Assert.False(memory.TryGetWritableSpan(new GuestAddress(Page), 16, out var writable));
        Assert.True(writable.IsEmpty);
        Assert.False(memory.TryGetWritableSpan(new GuestAddress(Page - 8), 16, out _));
        Assert.True(memory.TryGetReadOnlySpan(new GuestAddress(Page), 16, out var readOnly));
        Assert.Equal(Enumerable.Repeat((byte)0x44, 16), readOnly.ToArray());
        Assert.Equal(0x4444444444444444UL, memory.Read<ulong>(new GuestAddress((2 * Page) - 8)));

        var e = Assert.Throws<ReadOnlyGuestMemoryException>(() => memory.Write(new GuestAddress(Page - 8), new byte[16]));
        Assert.Equal(new GuestAddress(Page), e.FaultAddress);
        Assert.Equal(0, low.DirtyPages!.CountDirty());
        var ones = Enumerable.Repeat((byte)1, 16).ToArray();
        Assert.Equal(8, memory.WritePartial(new GuestAddress(Page - 8), ones));
        Assert.Equal(0x0101010101010101UL, memory.Read<ulong>(new GuestAddress(Page - 8)));
        Assert.Equal(0x4444444444444444UL, memory.Read<ulong>(new GuestAddress(Page)));

        Assert.True(memory.TryGetWritableSpan(new GuestAddress(2 * Page), 16, out writable));
        writable.Fill(7);
        Assert.Equal(7, memory.Read<byte>(new GuestAddress((2 * Page) + 15)));
        Assert.All(file.ReadAll(), b => Assert.Equal(0x44, b));
    }
}
