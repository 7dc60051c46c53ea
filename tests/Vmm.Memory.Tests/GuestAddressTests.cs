using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Vmm.Memory.Tests;

public sealed class GuestAddressTests
{
    private static readonly UInt128 Top = ulong.MaxValue;

    [Fact]
    public void Add_PastTopOfAddressSpace_Throws()
    {
        var e = Assert.Throws<GuestAddressOverflowException>(() => GuestAddress.MaxValue.Add(1));
        Assert.Equal(GuestAddress.MaxValue, e.Address);
        Assert.Equal(1UL, e.Operand);
        Assert.Contains("0xffffffffffffffff", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subtract_BelowZero_Throws()
    {
        Assert.Throws<GuestAddressOverflowException>(() => new GuestAddress(5) - 6);
    }

    [Fact]
    public void ToString_Always_FormatsAsHex()
    {
        Assert.Equal("0x0000000000001000", new GuestAddress(0x1000).ToString());
        Assert.Equal("0xffffffffffffffff", GuestAddress.MaxValue.ToString());
        Assert.Equal("at 0x00000000000000ab", $"at {new GuestAddress(0xab)}");
    }

    [Fact]
    public void TryFormat_ShortBuffer_ReturnsFalse()
    {
        Span<char> buffer = stackalloc char[17];
        Assert.False(new GuestAddress(1).TryFormat(buffer, out int written, default, null));
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    [InlineData(4097UL)]
    public void IsAligned_NotPowerOfTwo_Throws(ulong alignment)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GuestAddress(0).IsAligned(alignment));
    }

    [Fact]
    public void AlignUp_NearTop_Throws()
    {
        Assert.Throws<GuestAddressOverflowException>(() => new GuestAddress(ulong.MaxValue - 10).AlignUp(4096));
        Assert.Equal(new GuestAddress(0xffff_ffff_ffff_f000), new GuestAddress(0xffff_ffff_ffff_f000).AlignUp(4096));
    }

    [Property]
    public bool TryAdd_AnyValues_MatchesCheckedUInt128Sum(ulong a, ulong b)
    {
        bool fits = (UInt128)a + b <= Top;
        return new GuestAddress(a).TryAdd(b, out var sum) == fits && (!fits || sum.Value == a + b);
    }

    [Property]
    public bool Add_AnyValues_ThrowsExactlyWhenUInt128SumOverflows(ulong a, ulong b)
    {
        UInt128 model = (UInt128)a + b;
        try
        {
            return (new GuestAddress(a) + b).Value == model;
        }
        catch (GuestAddressOverflowException)
        {
            return model > Top;
        }
    }

    [Property]
    public bool Subtract_AnyValues_ThrowsExactlyWhenNegative(ulong a, ulong b)
    {
        try
        {
            return (new GuestAddress(a) - b).Value == a - b && b <= a;
        }
        catch (GuestAddressOverflowException)
        {
            return b > a;
        }
    }

    [Property]
    public bool OffsetFrom_AnyValues_IsDistanceOrThrows(ulong a, ulong origin)
    {
        try
        {
            return new GuestAddress(a).OffsetFrom(new GuestAddress(origin)) == a - origin && origin <= a;
        }
        catch (GuestAddressOverflowException)
        {
            return origin > a;
        }
    }

    [Property]
    public Property Align_AnyValueAndPowerOfTwo_MatchesUInt128Model(ulong a, byte shift)
    {
        int s = shift % 64;
        ulong alignment = 1UL << s;
        var address = new GuestAddress(a);
        UInt128 down = a / alignment * alignment;
        UInt128 up = ((UInt128)a + alignment - 1) / alignment * alignment;
        bool upOk;
        ulong upValue = 0;
        try
        {
            upValue = address.AlignUp(alignment).Value;
            upOk = true;
        }
        catch (GuestAddressOverflowException)
        {
            upOk = false;
        }

        return (address.AlignDown(alignment).Value == down
                && address.IsAligned(alignment) == (a % alignment == 0)
                && upOk == (up <= Top)
                && (!upOk || upValue == up))
            .Label($"0x{a:x} align 0x{alignment:x}");
    }

    [Property]
    public bool Comparison_AnyValues_MatchesUInt64(ulong a, ulong b)
    {
        var x = new GuestAddress(a);
        var y = new GuestAddress(b);
        return (x < y) == (a < b) && (x <= y) == (a <= b) && (x > y) == (a > b) && (x >= y) == (a >= b)
            && (x == y) == (a == b) && (x != y) == (a != b) && Math.Sign(x.CompareTo(y)) == Math.Sign(a.CompareTo(b))
            && x.Equals((object)y) == (a == b) && (a != b || x.GetHashCode() == y.GetHashCode());
    }
}
