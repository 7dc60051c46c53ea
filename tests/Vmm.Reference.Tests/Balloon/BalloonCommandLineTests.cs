namespace Vmm.Reference.Tests.Balloon;

/// <summary>The vmm process with <c>--balloon</c>: bad input is one line and exit code 2; a good one attaches the device.</summary>
public sealed class BalloonCommandLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-balloon-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Help_Run_ListsBalloon()
    {
        var result = VmmProcess.Run(["run", "--help"], Timeout);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--balloon", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("size=12Q", "--balloon size")]
    [InlineData("turbo=on", "--balloon: unknown option")]
    [InlineData("size=256M", "larger than the guest memory")]
    public void Run_BadBalloon_OneLineAndUsageExitCode(string balloon, string expected)
    {
        var result = VmmProcess.Run(["run", "--kernel", "x", "--memory", "128M", "--balloon", balloon], Timeout);

        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vmm: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Trait("Category", "Kvm")]
    [Trait("Verification", "PendingKvm")]
    [Fact]
    public void Run_TinyGuestWithBalloon_DeviceAttachedAndCountersReported()
    {
        GuestArtifacts.Require();
        var result = VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--console", "none", "--memory", "64M", "--balloon", "size=16M,stats-interval=1", "--log-level", "info"], Timeout);

        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"balloon: virtio-mmio at 0x[0-9a-f]+, irq \d+", result.StandardError);
        Assert.Matches(@"virtio-balloon: status=\S+ ignored-accesses=0 inflated-pages=0 ", result.StandardError);
    }
}
