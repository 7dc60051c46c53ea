namespace Vmm.Reference.Tests;

/// <summary>Bad user input: one clear line on stderr, a distinct exit code, no user file modified.</summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string NotAKernel()
    {
        string path = Path.Combine(_dir, "not-a-kernel");
        File.WriteAllText(path, new string('x', 8192));
        return path;
    }

    private string Disk(int sizeBytes = 1 << 20)
    {
        string path = Path.Combine(_dir, $"disk-{Guid.NewGuid():N}.img");
        var bytes = new byte[sizeBytes];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static VmmResult Vmm(params string[] args) => VmmProcess.Run(args, Timeout);

    private static void AssertFails(VmmResult result, int exitCode, string messagePart)
    {
        Assert.False(result.TimedOut, result.ToString());
        Assert.Equal(exitCode, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("vmm: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(messagePart, lines[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Version_Always_PrintsVersionAndCommit()
    {
        var result = Vmm("--version");
        Assert.Equal(0, result.ExitCode);
        // SemVer with the prerelease suffix, then the commit the binary was built from (SourceLink's git information).
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?\+[0-9a-f]{40}$", result.StandardOutput.Trim());
    }

    [Fact]
    public void Help_RunCommand_ListsEveryOption()
    {
        var result = Vmm("run", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--kernel", "--initrd", "--cmdline", "--memory", "--cpus", "--disk", "--console", "--boot-timer", "--log-level", "--config" })
        {
            Assert.Contains(option, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_NoKernel_ExitsWithUsageError()
        => AssertFails(Vmm("run"), 2, "--kernel");

    [Fact]
    public void Run_UnknownOption_ExitsWithUsageError()
        => AssertFails(Vmm("run", "--kernel", "x", "--frobnicate"), 2, "--frobnicate");

    [Theory]
    [InlineData("abc")]
    [InlineData("12Q")]
    [InlineData("0")]
    public void Run_MalformedMemory_ExitsWithUsageError(string memory)
        => AssertFails(Vmm("run", "--kernel", "x", "--memory", memory), 2, "memory");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1000")]
    public void Run_BadCpuCount_ExitsWithUsageError(string cpus)
        => AssertFails(Vmm("run", "--kernel", "x", "--cpus", cpus), 2, "cpu");

    [Fact]
    public void Run_BadConsole_ExitsWithUsageError()
        => AssertFails(Vmm("run", "--kernel", "x", "--console", "vga"), 2, "--console");

    [Fact]
    public void Run_MissingKernel_ExitsWithKernelNotFound()
        => AssertFails(Vmm("run", "--kernel", Path.Combine(_dir, "nope")), 10, "nope");

    [Fact]
    public void Run_KernelIsDirectory_ExitsWithKernelNotFound()
        => AssertFails(Vmm("run", "--kernel", _dir), 10, "kernel");

    [Fact]
    public void Run_NotAKernel_ExitsWithInvalidKernel()
        => AssertFails(Vmm("run", "--kernel", NotAKernel()), 11, "kernel");

    [Fact]
    public void Run_EmptyKernel_ExitsWithInvalidKernel()
    {
        string path = Path.Combine(_dir, "empty");
        File.WriteAllBytes(path, []);
        AssertFails(Vmm("run", "--kernel", path), 11, "kernel");
    }

    [Fact]
    public void Run_MissingInitrd_ExitsWithInitrdNotFound()
        => AssertFails(Vmm("run", "--kernel", TinyGuest.Write(_dir), "--initrd", Path.Combine(_dir, "no-initrd")), 12, "no-initrd");

    [Fact]
    public void Run_MissingDisk_ExitsWithDiskNotFound()
        => AssertFails(Vmm("run", "--kernel", TinyGuest.Write(_dir), "--disk", Path.Combine(_dir, "no-disk.img")), 13, "no-disk.img");

    [Fact]
    public void Run_DiskLockedByAnotherProcess_ExitsWithDiskInUseAndLeavesDiskUnchanged()
    {
        string disk = Disk();
        byte[] before = File.ReadAllBytes(disk);
        using var holder = System.Diagnostics.Process.Start("flock", ["-x", disk, "sleep", "30"]);
        try
        {
            Thread.Sleep(300);
            string kernel = TinyGuest.Write(_dir);
            AssertFails(Vmm("run", "--kernel", kernel, "--disk", disk), 14, "in use");
            AssertFails(Vmm("run", "--kernel", kernel, "--disk", disk + ",readonly"), 14, "in use");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }

        Assert.Equal(before, ReadWhenUnlocked(disk));
    }

    private static byte[] ReadWhenUnlocked(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(100); // the killed lock holder's file is closed asynchronously
            }
        }
    }

    [Fact]
    public void Run_BadDiskOption_ExitsWithUsageError()
        => AssertFails(Vmm("run", "--kernel", "x", "--disk", "a.img,fast"), 2, "fast");

    [Fact]
    public void Run_BadConfigJson_ExitsWithUsageError()
    {
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, "{ \"kernel\": 5 ");
        AssertFails(Vmm("run", "--config", path), 2, "config");
    }

    [Fact]
    public void Run_ConfigWithUnknownSetting_ExitsWithUsageError()
    {
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, "{ \"kernel\": \"k\", \"turbo\": true }");
        AssertFails(Vmm("run", "--config", path), 2, "turbo");
    }

    [Fact]
    public void Run_ConfigWithMissingKernel_ExitsWithKernelNotFound()
    {
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, "{ \"kernel\": \"/nonexistent/vmlinux\", \"memory\": \"256M\", \"cpus\": 2 }");
        AssertFails(Vmm("run", "--config", path), 10, "/nonexistent/vmlinux");
    }

    [Fact]
    public void Run_ConfigCombinedWithFlags_ExitsWithUsageError()
    {
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, "{ \"kernel\": \"k\" }");
        AssertFails(Vmm("run", "--config", path, "--memory", "256"), 2, "--config");
    }

    [Fact]
    public void Run_MemoryBelowMinimum_ExitsWithInvalidMemorySize()
        => AssertFails(Vmm("run", "--kernel", NotAKernel(), "--memory", "8"), 15, "too small");

    [Fact]
    public void Run_MemoryAboveHostRam_ExitsWithInvalidMemorySize()
        => AssertFails(Vmm("run", "--kernel", NotAKernel(), "--memory", "30000G"), 15, "host");

    [Fact]
    public void Run_MemoryTooSmallForKernelAndInitrd_ExitsWithInvalidMemorySize()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        string bigInitrd = Path.Combine(_dir, "big.cpio");
        File.WriteAllBytes(bigInitrd, new byte[40 << 20]);
        AssertFails(Vmm("run", "--kernel", GuestArtifacts.Vmlinux, "--initrd", bigInitrd, "--memory", "32"), 15, "memory");
    }

    [Fact]
    public void Run_CommandLineTooLong_ExitsWithInvalidCommandLine()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux);
        AssertFails(Vmm("run", "--kernel", GuestArtifacts.Vmlinux, "--cmdline", "console=ttyS0 " + new string('a', 5000)), 16, "command line");
    }

    [Fact]
    public void Run_CommandLineWithUnbalancedQuote_ExitsWithInvalidCommandLine()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux);
        AssertFails(Vmm("run", "--kernel", GuestArtifacts.Vmlinux, "--cmdline", "console=ttyS0 foo=\"bar"), 16, "command line");
    }

    [Fact]
    public void Run_NoKvmDevice_ExitsWithKvmUnavailable()
    {
        var result = VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir)], Timeout, environment: new Dictionary<string, string> { ["VMM_KVM_DEVICE"] = Path.Combine(_dir, "no-kvm") });
        AssertFails(result, 17, "KVM");
    }

    [Trait("Category", "Kvm")]
    [Fact]
    public void Run_TinyGuestRequestsReset_ExitsWithRebootCodeAndReportsDebugPort()
    {
        GuestArtifacts.Require();
        var result = VmmProcess.Run(["run", "--kernel", TinyGuest.Write(_dir), "--boot-timer", "--console", "none"], Timeout);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("debug-port: 0x40 after", result.StandardError, StringComparison.Ordinal);
    }

    [Trait("Category", "Kvm")]
    [Fact]
    public void Run_ConfigFile_BootsTheSameAsFlags()
    {
        GuestArtifacts.Require();
        string path = Path.Combine(_dir, "vm.json");
        File.WriteAllText(path, $$"""{ "kernel": "{{TinyGuest.Write(_dir)}}", "memory": "64M", "cpus": 1, "console": "none", "bootTimer": true }""");
        var result = Vmm("run", "--config", path);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("debug-port: 0x40 after", result.StandardError, StringComparison.Ordinal);
    }
}
