
namespace Vmm.Reference.Tests;

/// <summary>--net and its JSON form: bad input is one line with its own exit code; taps are only read, in a namespace of the test's own.</summary>
public sealed class NetCommandLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-net-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("mac=52:54:00:12:34:56", "tap=NAME")]
    [InlineData("tap=", "tap=NAME")]
    [InlineData("tap=tap0,speed=10G", "speed")]
    [InlineData("tap=tap0,mac=52:54:00:12:34", "not a MAC address")]
    [InlineData("tap=tap0,mac=01:00:5e:00:00:01", "multicast")]
    [InlineData("tap=tap0,rx-rate=fast", "rx-rate=fast")]
    [InlineData("tap=tap0,tx-rate=0", "tx-rate=0")]
    [InlineData("tap=tap0,rx-ops=-5", "rx-ops=-5")]
    [InlineData("tap=a/b", "not a valid interface name")]
    public void Run_BadNetOption_ExitsWithUsageError(string net, string messagePart) =>
        AssertFails(Vmm("run", "--kernel", TinyGuest.Write(_dir), "--net", net), 2, messagePart);

    [Fact]
    public void Run_SameTapTwice_ExitsWithUsageError() =>
        AssertFails(Vmm("run", "--kernel", TinyGuest.Write(_dir), "--net", "tap=tap7", "--net", "tap=tap7,mac=52:54:00:00:00:01"), 2, "twice");

    [Fact]
    public void Run_ConfigWithBadBucket_ExitsWithUsageError()
    {
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, $$"""{ "kernel": "{{TinyGuest.Write(_dir)}}", "nets": [ { "tap": "tap0", "rxRate": { "bandwidth": { "size": 0, "refillTimeMs": 1000 } } } ] }""");
        AssertFails(Vmm("run", "--config", path), 2, "rxRate.bandwidth");
    }

    [Fact]
    public void Run_MissingTap_ExitsWithTapNotFound()
    {
        using var ns = TestNetworkNamespace.Create("tap0");
        AssertFails(VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--net", "tap=tap9"], Timeout, launcher: ns.Launcher), 18, "no interface 'tap9'");
    }

    [Fact]
    public void Run_ConfigFileTapMissing_ExitsWithTapNotFound()
    {
        using var ns = TestNetworkNamespace.Create("tap0");
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, $$"""{ "kernel": "{{TinyGuest.Write(_dir)}}", "nets": [ { "tap": "tap9", "mac": "52:54:00:12:34:56", "txRate": { "ops": { "size": 100, "refillTimeMs": 1000 } } } ] }""");
        AssertFails(VmmProcess.Run(["run", "--config", path], Timeout, launcher: ns.Launcher), 18, "tap9");
    }

    [Fact]
    public void Run_TapHeldByAnotherProcess_ExitsWithTapInUse()
    {
        using var ns = TestNetworkNamespace.Create("tap0");
        using var holder = ns.Sandbox.Run(() => global::Vmm.Virtio.Net.Tap.Open("tap0"));
        AssertFails(VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--net", "tap=tap0"], Timeout, launcher: ns.Launcher), 19, "in use");
    }

    [Fact]
    public void Run_NoTunDevice_ExitsWithTunUnavailable()
    {
        using var ns = TestNetworkNamespace.Create("tap0");
        // In a private mount namespace, hide /dev/net (the host's /dev is untouched).
        string[] launcher = [.. ns.Launcher, "unshare", "--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /dev/net && exec \"$@\"", "sh"];
        AssertFails(VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--net", "tap=tap0"], Timeout, launcher: launcher), 20, "/dev/net/tun");
    }

    [Fact]
    public void Help_RunCommand_ListsNet()
    {
        var result = Vmm("run", "--help");
        Assert.Contains("--net", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("tap=NAME", result.StandardOutput, StringComparison.Ordinal);
    }

    private static VmmResult Vmm(params string[] args) => VmmProcess.Run(args, Timeout);

    private static void AssertFails(VmmResult result, int exitCode, string messagePart)
    {
        Assert.False(result.TimedOut, result.ToString());
        Assert.True(exitCode == result.ExitCode, result.ToString());
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("vmm: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(messagePart, lines[0], StringComparison.OrdinalIgnoreCase);
    }
}
