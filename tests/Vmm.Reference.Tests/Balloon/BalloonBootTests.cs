using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Vmm.Reference.Tests.Balloon;

/// <summary>
/// End to end: vmm boots the project's guest with <c>--balloon</c>; Linux's virtio_balloon driver inflates, and the
/// host sees the vmm process's resident memory drop by what the guest handed over.
/// </summary>
[Trait("Verification", "PendingKvm")]
[Trait("Category", "Boot")]
public sealed partial class BalloonBootTests : IDisposable
{
    private const int BalloonMiB = 32;
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(6);

    /// <summary>
    /// The in-guest steps (sourced by the test image's /init, so ok/fail are at hand; shell builtins except sleep and dd):
    /// wait for the inflation the driver starts at probe to settle, unbind the driver (it deflates everything) and read
    /// the full MemTotal, fill free memory but 8 MiB with a file in a tmpfs of that size (the root tmpfs is limited to half the RAM; the host now backs those pages), announce it
    /// and give the host two seconds to read its RSS, free the file, bind the driver again (it inflates to num_pages
    /// again, now taking pages the host backs) and wait until MemTotal has dropped by the balloon (the driver takes
    /// balloon pages out of MemTotal when DEFLATE_ON_OOM is not negotiated).
    /// Marker: "VMMTEST: balloon ok &lt;kB taken at boot&gt; &lt;kB taken after rebinding&gt;".
    /// </summary>
    private const string Scenario = """
        b_want=$(( ${vmmtest_balloon_mib:-0} * 1024 ))
        b_drv=/sys/bus/virtio/drivers/virtio_balloon
        b_dev=
        for b_d in "$b_drv"/virtio*; do [ -e "$b_d" ] && b_dev=${b_d##*/}; done
        b_meminfo() {
        	local k v u
        	while read -r k v u; do
        		case $k in MemTotal:) b_total=$v ;; MemFree:) b_free=$v ;; esac
        	done </proc/meminfo
        }
        b_settle() {
        	local last=-1 same=0 n=0
        	while [ $same -lt 3 ] && [ $n -lt 120 ]; do
        		b_meminfo
        		if [ "$b_total" = "$last" ]; then same=$((same + 1)); else same=0; last=$b_total; fi
        		sleep 1; n=$((n + 1))
        	done
        }
        if [ -z "$b_dev" ]; then
        	fail balloon "no virtio_balloon device"
        else
        	b_settle
        	b_booted=$b_total
        	echo "$b_dev" >"$b_drv/unbind"
        	b_meminfo
        	b_full=$b_total
        	b_fill=$(( (b_free - 8192) / 1024 ))
        	mount -t tmpfs -o size=${b_fill}m vmmtest-balloon /mnt
        	busybox dd if=/dev/zero of=/mnt/fill bs=1M count=$b_fill 2>/dev/null || echo "VMMTEST: balloon fill stopped early"
        	echo "VMMTEST: balloon filled $b_fill"
        	sleep 2
        	: >/mnt/fill
        	echo "$b_dev" >"$b_drv/bind"
        	b_n=0
        	b_meminfo
        	while [ $((b_full - b_total)) -lt $b_want ] && [ $b_n -lt 120 ]; do sleep 1; b_n=$((b_n + 1)); b_meminfo; done
        	ok balloon "$((b_full - b_booted)) $((b_full - b_total))"
        fi
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-balloon-boot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_BalloonInflatesOverTouchedGuestMemory_HostRssDropsAndGuestLosesTheBalloonSize()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        string initrd = ScenarioInitramfs.Write(_dir, new Dictionary<string, string> { ["balloon"] = Scenario });
        Process? vmm = null;
        long filledRss = 0;
        long inflatedRss = 0;
        var result = VmmProcess.Run(
            ["run", "--kernel", GuestArtifacts.Vmlinux, "--initrd", initrd, "--memory", "96M", "--log-level", "info",
             "--balloon", $"size={BalloonMiB}M,stats-interval=1",
             "--cmdline", $"console=ttyS0 panic=-1 reboot=t lpj=21000000 retain_initrd vmmtest=balloon,wait vmmtest_balloon_mib={BalloonMiB}"],
            BootTimeout,
            onStarted: p => vmm = p,
            stopWhen: output =>
            {
                if (filledRss == 0 && output.Contains("VMMTEST: balloon filled", StringComparison.Ordinal))
                {
                    filledRss = ResidentBytes(vmm!);
                }

                if (inflatedRss == 0 && output.Contains("VMMTEST: wait", StringComparison.Ordinal))
                {
                    // The guest saw its MemTotal drop; give the last acknowledged batch a moment, then measure and stop.
                    Thread.Sleep(1000);
                    inflatedRss = ResidentBytes(vmm!);
                    VmmProcess.Terminate(vmm!);
                }

                return inflatedRss != 0;
            });

        var marker = BalloonMarker().Match(result.StandardOutput);
        Assert.True(marker.Success, $"no 'VMMTEST: balloon ok' line\n{result}");
        Assert.True(filledRss > 0 && inflatedRss > 0, result.ToString());
        long dropMiB = (filledRss - inflatedRss) >> 20;
        TestContext.Current.SendDiagnosticMessage($"balloon {BalloonMiB} MiB: vmm RSS {filledRss >> 20} MiB with the guest's memory filled → {inflatedRss >> 20} MiB after re-inflation (−{dropMiB} MiB)");

        Assert.Equal(BalloonMiB * 1024, long.Parse(marker.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(BalloonMiB * 1024, long.Parse(marker.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.InRange(dropMiB, BalloonMiB / 2, BalloonMiB * 11 / 10);
        Assert.Equal(143, result.ExitCode);

        Assert.Contains($"the guest inflated the balloon to its target: {BalloonMiB} MiB", result.StandardError, StringComparison.Ordinal);
        var counters = CountersLine().Match(result.StandardError);
        Assert.True(counters.Success, result.StandardError);
        Assert.True(long.Parse(counters.Groups["inflated"].Value, CultureInfo.InvariantCulture) >= 2L * BalloonMiB * 256, counters.Value);
        Assert.True(long.Parse(counters.Groups["deflated"].Value, CultureInfo.InvariantCulture) >= BalloonMiB * 256, counters.Value);
        Assert.Equal("0", counters.Groups["refused"].Value);
        Assert.Matches(@"virtio-balloon guest statistics \(\d+ reports\): .*TotalMemory=\d+", result.StandardError);
    }

    /// <summary>VmRSS of <paramref name="process"/>, in bytes.</summary>
    private static long ResidentBytes(Process process)
    {
        foreach (string line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS for process {process.Id}");
    }

    [GeneratedRegex(@"VMMTEST: balloon ok (\d+) (\d+)")]
    private static partial Regex BalloonMarker();

    [GeneratedRegex(@"virtio-balloon: .*inflated-pages=(?<inflated>\d+) deflated-pages=(?<deflated>\d+) refused-pages=(?<refused>\d+)")]
    private static partial Regex CountersLine();
}
