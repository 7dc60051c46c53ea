using System.Text.RegularExpressions;
using Vmm.Loader;

namespace Vmm.Reference.Tests;

/// <summary>
/// End-to-end: the reference VMM boots Debian's unmodified stock kernels (fetched by
/// eng/setup.d/10-debian-kernels.sh) until the serial console handoff. On a PVM host that takes
/// minutes (every kernel instruction is emulated), so each test stops the VM with SIGTERM as soon as
/// "printk: console [ttyS0] enabled" appears.
/// </summary>
[Trait("Category", "Boot")]
public sealed partial class StockKernelBootTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);
    private const string ConsoleEnabled = "printk: console [ttyS0] enabled";
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-stock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_DebianCloudBzImage_BootsToConsoleWithOurCommandLineE820AndAcpi()
    {
        GuestArtifacts.Require(GuestArtifacts.DebianCloud);
        AssertBoots(GuestArtifacts.DebianCloud);
    }

    [Fact]
    public void Run_DebianGenericBzImageWithXzPayload_BootsToConsole()
    {
        GuestArtifacts.Require(GuestArtifacts.DebianGeneric);
        AssertBoots(GuestArtifacts.DebianGeneric);
    }

    [Fact]
    public void Run_DebianCloudAsElfVmlinux_BootsToConsole()
    {
        GuestArtifacts.Require(GuestArtifacts.DebianCloud);
        string vmlinux = Path.Combine(_dir, "vmlinux");
        File.WriteAllBytes(vmlinux, BzImage.Parse(File.ReadAllBytes(GuestArtifacts.DebianCloud)).DecompressKernel());
        // The same bytes as the cloud bzImage boot above: stop once the early checks are possible.
        AssertBoots(vmlinux, stopAt: "ACPI: APIC");
    }

    private static void AssertBoots(string kernel, string stopAt = ConsoleEnabled)
    {
        System.Diagnostics.Process? vmm = null;
        bool stopped = false;
        var result = VmmProcess.Run(
            ["run", "--kernel", kernel, "--memory", "256M", "--log-level", "info", "--cmdline",
             "console=ttyS0 earlyprintk=serial,ttyS0 reboot=k panic=-1 pci=off i8042.noaux i8042.nomux i8042.dumbkbd i8042.nopnp lpj=21000000"],
            Timeout,
            onStarted: p => vmm = p,
            stopWhen: output =>
            {
                if (!stopped && output.Contains(stopAt, StringComparison.Ordinal))
                {
                    stopped = true;
                    VmmProcess.Terminate(vmm!);
                }

                return stopped;
            });

        string output = result.StandardOutput;
        Assert.True(stopped, $"the guest never printed '{stopAt}'\n{result}");
        Assert.Matches(@"Linux version 6\.\d+\.\d+", output);

        // The guest echoes exactly the command line vmm built.
        string built = Regex.Match(result.StandardError, @"boot: command line: (.*)").Groups[1].Value.TrimEnd('\r');
        Assert.False(string.IsNullOrEmpty(built), result.ToString());
        Assert.Contains("Command line: " + built + "\n", output.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        // The guest's BIOS-e820 lines are the map vmm built.
        var ours = Regex.Matches(result.StandardError, @"boot: e820: (\[mem [^\]]+\] [a-zA-Z ]+?)\r?$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).ToList();
        var theirs = Regex.Matches(output, @"BIOS-e820: (\[mem [^\]]+\] [a-zA-Z ]+?)\r?$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.NotEmpty(ours);
        Assert.Equal(ours, theirs);

        // The guest lists our ACPI tables.
        foreach (var signature in new[] { "RSDP", "XSDT", "FACP", "DSDT", "APIC" })
        {
            Assert.Matches($@"ACPI: {signature} 0x[0-9A-F]+ [0-9A-F]+ \(v\d+ VMMNET", output);
        }

        Assert.Equal(143, result.ExitCode);
    }
}
