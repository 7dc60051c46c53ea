using FsCheck.Xunit;
using Vmm.Virtio.Net;

namespace Vmm.Virtio.Tests;

public sealed class MacAddressTests
{
    [Property(MaxTest = 500)]
    public void Parse_FormattedAddress_RoundTrips(byte a, byte b, byte c, byte d, byte e, byte f)
    {
        var mac = new MacAddress([a, b, c, d, e, f]);
        Assert.Equal(mac, MacAddress.Parse(mac.ToString()));
        Assert.Equal(mac, MacAddress.Parse(mac.ToString().ToUpperInvariant().Replace(':', '-')));
        Assert.Equal((a & 1) != 0, mac.IsMulticast);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("52:54:00:12:34")]
    [InlineData("52:54:00:12:34:5g")]
    [InlineData("52:54:00:12:34:567")]
    [InlineData("52.54.00.12.34.56")]
    [InlineData("+2:54:00:12:34:56")]
    public void TryParse_NotAnAddress_False(string? text) => Assert.False(MacAddress.TryParse(text, out _));

    [Fact]
    public void CreateRandom_LocallyAdministeredUnicast()
    {
        var macs = Enumerable.Range(0, 32).Select(_ => MacAddress.CreateRandom()).ToList();
        Assert.All(macs, m => Assert.True(m.IsLocallyAdministered && !m.IsMulticast));
        Assert.True(macs.Distinct().Count() > 30);
    }
}
