using System.Text.RegularExpressions;

namespace Vmm.Reference.Tests;

/// <summary>
/// End-to-end: the reference VMM boots the project's guest kernel (guest/) on this machine's KVM and
/// the guest's init exercises the devices from inside, reporting "VMMTEST: name ok value" lines.
/// </summary>
[Trait("Category", "Boot")]
public sealed partial class GuestBootTests : IDisposable
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(4);
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-boot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string CommandLine(string scenarios) =>
        $"console=ttyS0 panic=-1 reboot=t lpj=21000000 retain_initrd vmmtest={scenarios}";

    private static VmmResult Boot(string kernel, string scenarios, params string[] extra) =>
        VmmProcess.Run(
            ["run", "--kernel", kernel, "--initrd", GuestArtifacts.TestInitramfs, "--cmdline", CommandLine(scenarios), "--log-level", "info", .. extra],
            BootTimeout);

    private static string Marker(VmmResult result, string scenario)
    {
        var match = Regex.Match(result.StandardOutput, $@"VMMTEST: {Regex.Escape(scenario)} ok ?([^\r\n]*)");
        Assert.True(match.Success, $"no 'VMMTEST: {scenario} ok' line\n{result}");
        return match.Groups[1].Value.Trim();
    }

    private string Disk(int sizeBytes, byte fill)
    {
        string path = Path.Combine(_dir, $"disk-{Guid.NewGuid():N}.img");
        File.WriteAllBytes(path, Enumerable.Repeat(fill, sizeBytes).ToArray());
        return path;
    }

    [Fact]
    public void Run_GuestDevicesScenario_GuestSeesMemoryDisksRngAndPowersOff()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        string rw = Disk(1 << 20, 0);
        string ro = Disk(1 << 20, 0x5A);
        byte[] roBefore = File.ReadAllBytes(ro);

        var result = Boot(GuestArtifacts.Vmlinux, "meminfo,cpus,blk-write,blk-ro,hwrng,boottimer,poweroff",
            "--memory", "128M", "--disk", rw, "--disk", ro + ",readonly", "--boot-timer");

        Assert.Contains("VMM-INIT-REACHED", result.StandardOutput, StringComparison.Ordinal);
        long memTotalKb = long.Parse(Marker(result, "meminfo"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(memTotalKb, 100 * 1024, 128 * 1024);
        Assert.Equal("1", Marker(result, "cpus"));
        Assert.Equal("VMMTEST-PATTERN-0123456789", Marker(result, "blk-write"));
        Assert.Equal("write-refused", Marker(result, "blk-ro"));
        Assert.Matches("^[0-9a-f]{32}$", Marker(result, "hwrng"));
        Marker(result, "boottimer");
        Assert.Equal(0, result.ExitCode);

        byte[] image = File.ReadAllBytes(rw);
        Assert.Equal("VMMTEST-PATTERN-0123456789\n"u8.ToArray(), image[..27]);
        Assert.Equal(roBefore, File.ReadAllBytes(ro));
        Assert.Matches(@"boot-timer: guest init reached after \d+", result.StandardError);
    }

    [Fact]
    public void Run_GuestRebootsWithTripleFault_ExitsWithTripleFaultCode()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        var result = Boot(GuestArtifacts.Vmlinux, "reboot");
        Assert.Contains("VMMTEST: reboot", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(5, result.ExitCode);
    }

    [Fact]
    public void Run_GuestKernelPanics_ExitsWithPanicCode()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        var result = Boot(GuestArtifacts.Vmlinux, "panic");
        Assert.Contains("Kernel panic - not syncing", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public void Run_SigtermWhileGuestRuns_ExitsCleanlyWithTerminatedCode()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        System.Diagnostics.Process? vmm = null;
        bool waiting = false;
        var result = VmmProcess.Run(
            ["run", "--kernel", GuestArtifacts.Vmlinux, "--initrd", GuestArtifacts.TestInitramfs, "--cmdline", CommandLine("wait"), "--log-level", "info"],
            BootTimeout,
            onStarted: p => vmm = p,
            stopWhen: output =>
            {
                if (!waiting && output.Contains("VMMTEST: wait", StringComparison.Ordinal))
                {
                    waiting = true;
                    VmmProcess.Terminate(vmm!);
                }

                return waiting;
            });
        Assert.True(waiting, result.ToString());
        Assert.Equal(143, result.ExitCode);
        Assert.Contains("SIGTERM", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_VirtioConsole_LineFromHostReachesGuestAndComesBack()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        System.Diagnostics.Process? vmm = null;
        bool sent = false;
        var result = VmmProcess.Run(
            ["run", "--kernel", GuestArtifacts.Vmlinux, "--initrd", GuestArtifacts.TestInitramfs, "--cmdline", CommandLine("hvc-echo,poweroff"), "--console", "virtio", "--log-level", "info"],
            BootTimeout,
            onStarted: p => vmm = p,
            stopWhen: output =>
            {
                if (!sent && output.Contains("VMMTEST: hvc-echo ready", StringComparison.Ordinal))
                {
                    sent = true;
                    vmm!.StandardInput.Write("hello-from-the-host\n");
                    vmm.StandardInput.Flush();
                }

                return false;
            });
        Assert.True(sent, result.ToString());
        Assert.Equal("hello-from-the-host", Marker(result, "hvc-echo"));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Run_SmpGuestWithTwoCpus_GuestCountsTwoCpus()
    {
        GuestArtifacts.Require(GuestArtifacts.VmlinuxSmp, GuestArtifacts.TestInitramfs);

        // acpi=off: the SMP kernel has both ACPI and VIRTIO_MMIO_CMDLINE_DEVICES, and would register each virtio
        // device twice (DSDT and command line); the MP table describes both CPUs.
        var result = VmmProcess.Run(
            ["run", "--kernel", GuestArtifacts.VmlinuxSmp, "--initrd", GuestArtifacts.TestInitramfs, "--cpus", "2", "--log-level", "info",
             "--cmdline", CommandLine("cpus,hwrng,poweroff") + " acpi=off"],
            BootTimeout);
        Assert.Contains("smp: Brought up 1 node, 2 CPUs", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("2", Marker(result, "cpus"));
        Assert.Matches("^[0-9a-f]{32}$", Marker(result, "hwrng"));
        Assert.Equal(0, result.ExitCode);
    }
}
