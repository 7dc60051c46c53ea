namespace Vmm.Reference.Tests.Vsock;

/// <summary>The vmm process with <c>--vsock</c>: a reserved CID and a taken socket path are one line each with their own exit codes.</summary>
public sealed class VsockCommandLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-vsock-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertFails(VmmResult result, int exitCode, string messagePart)
    {
        Assert.False(result.TimedOut, result.ToString());
        Assert.Equal(exitCode, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vmm: ", line, StringComparison.Ordinal);
        Assert.Contains(messagePart, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_Run_ListsVsock()
    {
        var result = VmmProcess.Run(["run", "--help"], Timeout);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--vsock", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cid=N,uds=PATH", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    public void Run_ReservedCid_OneLineAndCidExitCode(string cid)
        => AssertFails(VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--vsock", $"cid={cid},uds={Path.Combine(_dir, "v.sock")}"], Timeout), (int)ExitCode.VsockCidInvalid, $"cid {cid} is reserved");

    [Fact]
    public void Run_BadVsockOption_OneLineAndUsageExitCode()
        => AssertFails(VmmProcess.Run(["run", "--kernel", "x", "--vsock", "cid=3"], Timeout), 2, "--vsock: uds is required");

    [Fact]
    public void Run_SocketPathTaken_OneLineAndSocketExitCodeAndFileLeftAlone()
    {
        string path = Path.Combine(_dir, "taken.sock");
        File.WriteAllText(path, "someone else's");
        AssertFails(VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--vsock", $"cid=3,uds={path}"], Timeout), (int)ExitCode.VsockSocketUnavailable, $"{path} is already taken");
        Assert.Equal("someone else's", File.ReadAllText(path));
    }

    [Fact]
    public void Run_SocketDirectoryMissing_OneLineAndSocketExitCode()
        => AssertFails(VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--vsock", $"cid=3,uds={Path.Combine(_dir, "no-dir", "v.sock")}"], Timeout), (int)ExitCode.VsockSocketUnavailable, "does not exist");

    [Fact]
    public void Run_ConfigWithReservedCid_OneLineAndCidExitCode()
    {
        string config = Path.Combine(_dir, "vm.json");
        File.WriteAllText(config, $$"""{ "kernel": "{{TinyGuest.Write(_dir)}}", "vsock": { "cid": 2, "uds": "{{Path.Combine(_dir, "v.sock")}}" } }""");
        AssertFails(VmmProcess.Run(["run", "--config", config], Timeout), (int)ExitCode.VsockCidInvalid, "\"vsock\": \"cid\" 2 is reserved");
    }

    [Fact]
    public void Run_ConfigWithUnknownVsockSetting_OneLineAndUsageExitCode()
    {
        string config = Path.Combine(_dir, "vm.json");
        File.WriteAllText(config, """{ "kernel": "k", "vsock": { "cid": 3, "uds": "v.sock", "port": 5 } }""");
        AssertFails(VmmProcess.Run(["run", "--config", config], Timeout), 2, "port");
    }

    [Trait("Category", "Kvm")]
    [Trait("Verification", "PendingKvm")]
    [Fact]
    public void Run_TinyGuestWithVsock_DeviceAttachedAndSocketRemovedAtExit()
    {
        GuestArtifacts.Require();
        string path = Path.Combine(_dir, "v.sock");
        var result = VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--console", "none", "--vsock", $"cid=7,uds={path}", "--log-level", "info"], Timeout);

        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"vsock: virtio-mmio at 0x[0-9a-f]+, irq \d+", result.StandardError);
        Assert.Matches(@"virtio-vsock: status=\S+ ignored-accesses=0 tx-packets=0 ", result.StandardError);
        Assert.False(File.Exists(path), "the socket file outlived vmm");
    }

    [Trait("Category", "Kvm")]
    [Trait("Verification", "PendingKvm")]
    [Fact]
    public void Run_ConfigFileWithVsock_BootsTheSameAsTheFlag()
    {
        GuestArtifacts.Require();
        string path = Path.Combine(_dir, "v.sock");
        string config = Path.Combine(_dir, "vm.json");
        File.WriteAllText(config, $$"""{ "kernel": "{{TinyGuest.Write(_dir)}}", "console": "none", "logLevel": "info", "vsock": { "cid": 7, "uds": "{{path}}" } }""");
        var result = VmmProcess.Run(["run", "--config", config], Timeout);

        Assert.Equal(3, result.ExitCode);
        Assert.Matches(@"vsock: virtio-mmio at 0x[0-9a-f]+, irq \d+", result.StandardError);
    }
}
