using FsCheck;
using FsCheck.Xunit;
using Vmm.Reference.Configuration;

namespace Vmm.Reference.Tests.Vsock;

/// <summary><c>--vsock cid=N,uds=PATH</c> and the JSON <c>"vsock"</c> object, parsed and checked.</summary>
public sealed class VsockConfigTests
{
    [Theory]
    [InlineData("cid=3,uds=/run/vm.sock", 3UL, "/run/vm.sock")]
    [InlineData("uds=v.sock,cid=4294967294", 4294967294UL, "v.sock")]
    [InlineData("cid=0042,uds=/tmp/a=b", 42UL, "/tmp/a=b")]
    public void Parse_Valid_CidAndPath(string text, ulong cid, string path)
    {
        var config = VsockConfig.Parse(text);
        Assert.Equal(cid, config.Cid);
        Assert.Equal(path, config.UnixSocketPath);
    }

    [Theory]
    [InlineData("uds=/run/vm.sock", "cid is required")]
    [InlineData("cid=3", "uds is required")]
    [InlineData("cid=3,uds=", "uds is required")]
    [InlineData("cid=x,uds=/a", "cid must be a number")]
    [InlineData("cid=-3,uds=/a", "cid must be a number")]
    [InlineData("cid=3,cid=4,uds=/a", "'cid' is given twice")]
    [InlineData("cid=3,uds=/a,uds=/b", "'uds' is given twice")]
    [InlineData("cid=3,uds=/a,port=5", "unknown option 'port=5'")]
    [InlineData("", "unknown option ''")]
    public void Parse_Invalid_FormatExceptionNamingTheFlag(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => VsockConfig.Parse(text));
        Assert.StartsWith("--vsock: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "reserved")]
    [InlineData("1", "reserved")]
    [InlineData("2", "reserved")]
    [InlineData("4294967295", "too large")]
    [InlineData("18446744073709551615", "too large")]
    public void Parse_ReservedOrHugeCid_VsockCidInvalidExitCode(string cid, string expected)
    {
        var error = Assert.Throws<VmmException>(() => VsockConfig.Parse($"cid={cid},uds=/run/vm.sock"));
        Assert.Equal(ExitCode.VsockCidInvalid, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PathTooLongForASocketAddress_FormatException()
    {
        var error = Assert.Throws<FormatException>(() => VsockConfig.Parse("cid=3,uds=/" + new string('a', VsockConfig.MaxPathBytes)));
        Assert.Contains("at most 96", error.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 1000)]
    public void Parse_ArbitraryText_ConfigWithinRulesOrOneOfTheTwoErrors(string text)
    {
        try
        {
            var config = VsockConfig.Parse(text);
            Assert.InRange(config.Cid, 3UL, 4294967294UL);
            Assert.False(string.IsNullOrEmpty(config.UnixSocketPath));
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(config.UnixSocketPath) <= VsockConfig.MaxPathBytes);
        }
        catch (FormatException e)
        {
            Assert.StartsWith("--vsock: ", e.Message, StringComparison.Ordinal);
        }
        catch (VmmException e)
        {
            Assert.Equal(ExitCode.VsockCidInvalid, e.ExitCode);
        }
    }

    [Fact]
    public void CheckSocketPathFree_PathExists_VsockSocketUnavailable()
    {
        string path = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<VmmException>(() => new VsockConfig(3, path).CheckSocketPathFree());
            Assert.Equal(ExitCode.VsockSocketUnavailable, error.ExitCode);
            Assert.Contains("already taken", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckSocketPathFree_DirectoryMissing_VsockSocketUnavailable()
    {
        var error = Assert.Throws<VmmException>(() => new VsockConfig(3, "/nonexistent-vmm-dir/v.sock").CheckSocketPathFree());
        Assert.Equal(ExitCode.VsockSocketUnavailable, error.ExitCode);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
