using FsCheck;
using FsCheck.Xunit;
using Vmm.Memory;

namespace Vmm.Memory.Tests;

public sealed class GuestAddressTests
{
    [Fact]
    public void Add_PastTopOfAddressSpace_Throws()
    {
        Assert.Throws<GuestAddressOverflowException>(() => GuestAddress.MaxValue.Add(1));
    }

    [Fact]
    public void ToString_Always_FormatsAsHex()
    {
        Assert.Equal("0x0000000000001000", new GuestAddress(0x1000).ToString());
    }

    [Property]
    public bool TryAdd_AnyValues_MatchesCheckedUInt128Sum(ulong a, ulong b)
    {
        bool fits = (UInt128)a + b <= ulong.MaxValue;
        return new GuestAddress(a).TryAdd(b, out var sum) == fits && (!fits || sum.Value == a + b);
    }
}
