using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Vmm.Memory.Tests;

public sealed class DirtyBitmapTests
{
    [Property]
    public Property Mark_AnyRanges_SetsExactlyThePagesTouched(ushort[] offsets, ushort[] lengths, byte pages)
    {
        ulong length = ((ulong)(pages % 130) + 1) * 4096 - (pages % 3 == 0 ? 100UL : 0);
        var bitmap = new DirtyBitmap(length);
        var model = new bool[bitmap.PageCount];
        for (int i = 0; i < Math.Min(offsets.Length, lengths.Length); i++)
        {
            ulong offset = (ulong)offsets[i] * 8 % length;
            ulong count = Math.Min((ulong)lengths[i] * 3, length - offset);
            bitmap.Mark(offset, count);
            for (ulong b = offset; b < offset + count; b++)
            {
                model[b / 4096] = true;
            }
        }

        var words = new ulong[bitmap.WordCount];
        long dirty = bitmap.CountDirty();
        bool same = Enumerable.Range(0, model.Length).All(p => bitmap.IsDirty(p) == model[p]);
        bitmap.GetAndReset(words);
        bool wordsMatch = Enumerable.Range(0, model.Length).All(p => ((words[p / 64] >> (p % 64)) & 1) == (model[p] ? 1UL : 0UL));
        return (same && wordsMatch && dirty == model.Count(d => d) && bitmap.CountDirty() == 0).Label($"length 0x{length:x}");
    }

    [Fact]
    public void Mark_OutsideTheBitmap_Throws()
    {
        var bitmap = new DirtyBitmap(8192);
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Mark(8192, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Mark(4096, 4097));
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Mark(1, ulong.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.IsDirty(2));
        Assert.Throws<ArgumentException>(() => bitmap.GetAndReset([]));
        bitmap.Mark(8192, 0);
        Assert.Equal(0, bitmap.CountDirty());
    }

    [Fact]
    public void GetAndReset_ConcurrentMarking_LosesNoMark()
    {
        var bitmap = new DirtyBitmap(64 * 4096);
        var seen = new bool[64];
        var marker = Task.Run(() =>
        {
            for (int round = 0; round < 20_000; round++)
            {
                bitmap.Mark((ulong)(round % 64) * 4096, 1);
            }
        }, TestContext.Current.CancellationToken);
        var words = new ulong[1];
        while (!marker.IsCompleted)
        {
            bitmap.GetAndReset(words);
            Record(words[0]);
        }

        bitmap.GetAndReset(words);
        Record(words[0]);
        Assert.All(seen, Assert.True);

        void Record(ulong word)
        {
            for (int p = 0; p < 64; p++)
            {
                seen[p] |= ((word >> p) & 1) != 0;
            }
        }
    }

    [Fact]
    public void WritePaths_DirtyTrackingOn_MarkOnlyWrittenPages()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 16 * 4096)], new MemoryRegionOptions { TrackDirtyPages = true });
        try
        {
            var bitmap = memory.Regions[0].DirtyPages!;
            memory.Read<ulong>(new GuestAddress(0));
            memory.Read(new GuestAddress(4096), new byte[100]);
            memory.TryGetReadOnlySpan(new GuestAddress(8192), 10, out _);
            memory.LoadAcquireUInt32(new GuestAddress(12288));
            Assert.Equal(0, bitmap.CountDirty());

            memory.Write(new GuestAddress(1 * 4096), 1UL);
            memory.Write(new GuestAddress(2 * 4096), new byte[3]);
            Assert.Equal(3, memory.WritePartial(new GuestAddress(3 * 4096), new byte[3]));
            memory.Fill(new GuestAddress(4 * 4096), 1, 0);
            memory.TryGetWritableSpan(new GuestAddress(5 * 4096), 1, out _);
            memory.StoreReleaseUInt16(new GuestAddress(6 * 4096), 1);
            memory.StoreReleaseUInt32(new GuestAddress(7 * 4096), 1);
            memory.StoreReleaseUInt64(new GuestAddress(8 * 4096), 1);
            memory.CompareExchangeUInt32(new GuestAddress(9 * 4096), 1, 0);
            memory.CompareExchangeUInt64(new GuestAddress(10 * 4096), 1, 0);
            memory.Write(new GuestAddress((12 * 4096) - 2), 0u);
            var words = new ulong[bitmap.WordCount];
            bitmap.GetAndReset(words);
            Assert.Equal(0b1_1111_1111_1110UL, words[0]);
            Assert.Equal(0, bitmap.CountDirty());
        }
        finally
        {
            memory.DisposeRegions();
        }
    }
}
