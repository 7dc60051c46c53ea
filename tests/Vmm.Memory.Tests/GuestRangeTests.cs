using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Vmm.Memory.Tests;

public sealed class GuestRangeTests
{
    private static readonly UInt128 Top = ulong.MaxValue;

    [Fact]
    public void Constructor_EndingExactlyAtTop_IsAccepted()
    {
        var range = new GuestRange(new GuestAddress(0xffff_ffff_ffff_0000), 0x1_0000);
        Assert.Equal(GuestAddress.MaxValue, range.Last);
        Assert.False(range.TryGetEnd(out _));
        Assert.True(range.Contains(GuestAddress.MaxValue));
    }

    [Fact]
    public void Constructor_PastTop_Throws()
    {
        Assert.Throws<GuestAddressOverflowException>(() => new GuestRange(new GuestAddress(0xffff_ffff_ffff_0000), 0x1_0001));
    }

    [Fact]
    public void Last_EmptyRange_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new GuestRange(new GuestAddress(8), 0).Last);
    }

    [Fact]
    public void ToString_Always_NamesStartAndLength()
    {
        Assert.Equal("[0x0000000000001000, +0x2000)", new GuestRange(new GuestAddress(0x1000), 0x2000).ToString());
    }

    [Property]
    public bool TryCreate_AnyValues_FailsExactlyWhenTheRangeWraps(ulong start, ulong length)
    {
        bool fits = length == 0 || (UInt128)start + length - 1 <= Top;
        bool ok = GuestRange.TryCreate(new GuestAddress(start), length, out var range);
        return ok == fits && (!ok || (range.Start.Value == start && range.Length == length));
    }

    [Property]
    public bool TryGetEnd_AnyRange_MatchesUInt128End(ulong start, ulong length)
    {
        if (!GuestRange.TryCreate(new GuestAddress(start), length, out var range))
        {
            return true;
        }

        UInt128 end = (UInt128)start + length;
        return range.TryGetEnd(out var e) == (end <= Top) && (end > Top || e.Value == end);
    }

    [Property]
    public Property Contains_Address_MatchesUInt128Model(ulong start, ulong length, ulong probe, bool nearStart)
    {
        // Probe near the edges often: random 64-bit values almost never land inside a small range.
        ulong address = nearStart ? start + (probe % 8) - 4 : start + length + (probe % 8) - 4;
        if (!GuestRange.TryCreate(new GuestAddress(start), length, out var range))
        {
            return true.ToProperty();
        }

        bool model = address >= start && (UInt128)address < (UInt128)start + length;
        return (range.Contains(new GuestAddress(address)) == model).Label($"{range} contains 0x{address:x}");
    }

    [Property]
    public Property OverlapsAndContains_SmallRangesNearAnyBase_MatchUInt128Model(ulong baseValue, byte s1, byte l1, byte s2, byte l2)
    {
        // Ranges in a 512-byte window placed anywhere, including against the top of the address space.
        ulong b = Math.Min(baseValue, ulong.MaxValue - 511);
        if (!GuestRange.TryCreate(new GuestAddress(b + s1), l1, out var x) || !GuestRange.TryCreate(new GuestAddress(b + s2), l2, out var y))
        {
            return true.ToProperty();
        }

        UInt128 xs = x.Start.Value, xe = xs + x.Length, ys = y.Start.Value, ye = ys + y.Length;
        bool overlaps = x.Length > 0 && y.Length > 0 && xs < ye && ys < xe;
        bool contains = y.Length == 0 ? xs <= ys && ys <= xe : xs <= ys && ye <= xe;
        return (x.Overlaps(y) == overlaps && y.Overlaps(x) == overlaps && x.Contains(y) == contains)
            .Label($"{x} vs {y}");
    }

    [Property]
    public bool Equality_AnyValues_MatchesComponents(ulong s1, ushort l1, ulong s2, ushort l2)
    {
        if (!GuestRange.TryCreate(new GuestAddress(s1), l1, out var x) || !GuestRange.TryCreate(new GuestAddress(s2), l2, out var y))
        {
            return true;
        }

        bool same = s1 == s2 && l1 == l2;
        return (x == y) == same && (x != y) == !same && x.Equals((object)y) == same && (!same || x.GetHashCode() == y.GetHashCode());
    }
}
