using Vmm.Tests.Shared;
using Vmm.Virtio.Net;

namespace Vmm.Virtio.Tests;

/// <summary>Opening taps: each way it can fail has its own <see cref="TapError"/>, in the user's terms.</summary>
public sealed class TapTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a-name-longer-than-15")]
    [InlineData("a/b")]
    [InlineData("tap 0")]
    [InlineData("..")]
    public void Open_InvalidName_InvalidNameBeforeAnySystemCall(string name)
    {
        var e = Assert.Throws<TapException>(() => Tap.Open(name));
        Assert.Equal(TapError.InvalidName, e.Error);
        Assert.Contains("not a valid interface name", e.Message);
    }

    [Fact]
    public void OpenAndCreate_EachFailure_TypedError()
    {
        using var sandbox = NetworkSandbox.TryCreate(out string reason) ?? SkipWith(reason);

        var missing = Assert.Throws<TapException>(() => sandbox.Run(() => Tap.Open("nosuchtap0")));
        Assert.Equal(TapError.NotFound, missing.Error);
        Assert.Equal("nosuchtap0", missing.TapName);

        using var tap = sandbox.Run(() => Tap.Create("taken0"));
        Assert.Equal("taken0", tap.Name);
        Assert.True(sandbox.InterfaceIndex("taken0") > 0);
        Assert.Equal(TapError.AlreadyExists, Assert.Throws<TapException>(() => sandbox.Run(() => Tap.Create("taken0"))).Error);
        Assert.Equal(TapError.Busy, Assert.Throws<TapException>(() => sandbox.Run(() => Tap.Open("taken0"))).Error);
        Assert.Equal(TapError.NotATap, Assert.Throws<TapException>(() => sandbox.Run(() => Tap.Open("lo"))).Error);

        tap.Dispose();
        Assert.Equal(0, sandbox.InterfaceIndex("taken0"));
    }

    private static NetworkSandbox SkipWith(string reason)
    {
        Assert.Skip($"needs a private network namespace: {reason}");
        return null!;
    }
}
