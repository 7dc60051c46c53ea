namespace Vmm.Memory.Tests;

public sealed class AllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HotPaths_AfterWarmUp_AllocateNothing(bool trackDirtyPages)
    {
        var memory = GuestMemory.Allocate(
            [new GuestRange(new GuestAddress(0), 1 << 20), new GuestRange(new GuestAddress(1 << 20), 1 << 20)],
            new MemoryRegionOptions { TrackDirtyPages = trackDirtyPages });
        try
        {
            var buffer = new byte[4096];
            Exercise(memory, buffer, 100);
            long before = GC.GetAllocatedBytesForCurrentThread();
            ulong sum = Exercise(memory, buffer, 10_000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.NotEqual(0UL, sum);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    private static ulong Exercise(GuestMemory memory, byte[] buffer, int rounds)
    {
        ulong sum = 0;
        for (int i = 0; i < rounds; i++)
        {
            var address = new GuestAddress((ulong)(i * 8 % (2 << 20)));
            memory.Write(address, (ulong)i + 1);
            sum += memory.Read<ulong>(address);
            var split = new GuestAddress((1 << 20) - 2048);
            memory.Write(split, buffer);
            memory.Read(split, buffer);
            memory.TryGetReadOnlySpan(new GuestAddress(4096), 4096, out var span);
            sum += span[0];
            memory.StoreReleaseUInt32(new GuestAddress(64), (uint)i);
            sum += memory.LoadAcquireUInt32(new GuestAddress(64));
            sum += memory.TryRead(new GuestAddress(ulong.MaxValue - 3), out ulong _) ? 1UL : 0UL;

            // The region walk's other users, and a reader's reference to the snapshot.
            memory.Fill(split, 64, (byte)i);
            sum += (ulong)memory.ReadPartial(split, buffer);
            memory.TryGetWritableSpan(new GuestAddress((1 << 20) + 64), 8, out var writable);
            writable[0] = 1;
            sum += memory.Read<uint>(new GuestAddress((1 << 20) - 2));
            memory.Write(new GuestAddress((1 << 20) + 128), (ulong)i);
            sum += memory.Read<ulong>(new GuestAddress((1 << 20) + 128));
            var reader = memory.Acquire();
            sum += reader.Read<byte>(new GuestAddress(4096));
            reader.Release();
        }

        return sum;
    }
}
