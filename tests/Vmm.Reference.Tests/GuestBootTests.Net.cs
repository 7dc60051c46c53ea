using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Vmm.Loader.Initramfs;

namespace Vmm.Reference.Tests;

/// <summary>virtio-net end to end: the guest exchanges over a MiB each way with a peer in the test's network namespace.</summary>
public sealed partial class GuestBootTests
{
    private const string GuestMac = "52:54:00:12:34:56";

    [Trait("Verification", "PendingKvm")]
    [Fact]
    public async Task Run_NetOnTap_GuestExchangesOverOneMiBBothWaysWithMatchingChecksums()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        using var ns = TestNetworkNamespace.Create("tap0", "10.0.2.1/24");
        using var fromGuest = Listen(ns, 5001);
        using var toGuest = Listen(ns, 5002);
        var hostData = new byte[1_500_000];
        new Random(11).NextBytes(hostData);
        using var cancel = new CancellationTokenSource(BootTimeout);
        var received = ReceiveAllAsync(fromGuest, cancel.Token);
        var sent = SendAllAsync(toGuest, hostData, cancel.Token);

        var result = VmmProcess.Run(
            ["run", "--kernel", GuestArtifacts.Vmlinux, "--initrd", WithScenario("net-xfer"), "--log-level", "info",
             "--cmdline", CommandLine("net,net-xfer,poweroff") + " ip=10.0.2.2::10.0.2.1:255.255.255.0::eth0:off",
             "--net", $"tap=tap0,mac={GuestMac}"],
            BootTimeout,
            launcher: ns.Launcher);
        cancel.Cancel();

        Assert.Equal($"eth0 {GuestMac}", Marker(result, "net"));
        var sums = Marker(result, "net-xfer").Split(' ');
        byte[] fromGuestBytes = await received;
        byte[] expected = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 200_000).Select(i => $"{i}\n")));
        Assert.True(fromGuestBytes.Length >= 1 << 20);
        Assert.Equal(expected, fromGuestBytes);
        Assert.Equal(Md5(expected), sums[0]);
        Assert.Equal(Md5(hostData), sums[1]);
        Assert.True(await sent);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"virtio-net0: .* rx-frames=[1-9]\d* rx-bytes=\d+ tx-frames=[1-9]", result.StandardError);
    }

    private static Socket Listen(TestNetworkNamespace ns, int port)
    {
        var socket = ns.Sandbox.OpenSocket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("10.0.2.1"), port));
        socket.Listen(1);
        return socket;
    }

    private static async Task<byte[]> ReceiveAllAsync(Socket listener, CancellationToken cancel)
    {
        try
        {
            using var connection = await listener.AcceptAsync(cancel);
            using var data = new MemoryStream();
            var buffer = new byte[65536];
            int n;
            while ((n = await connection.ReceiveAsync(buffer, cancel)) > 0)
            {
                data.Write(buffer, 0, n);
            }

            return data.ToArray();
        }
        catch (OperationCanceledException)
        {
            return [];
        }
    }

    private static async Task<bool> SendAllAsync(Socket listener, byte[] data, CancellationToken cancel)
    {
        try
        {
            using var connection = await listener.AcceptAsync(cancel);
            await connection.SendAsync(data, cancel);
            connection.Shutdown(SocketShutdown.Send);
            var buffer = new byte[256];
            while (await connection.ReceiveAsync(buffer, cancel) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The test initramfs with an archive appended that adds /vmmtest.d/<paramref name="scenario"/>.sh.</summary>
    private string WithScenario(string scenario)
    {
        string path = Path.Combine(_dir, $"initramfs-{scenario}.cpio");
        using var output = File.Create(path);
        using (var test = File.OpenRead(GuestArtifacts.TestInitramfs))
        {
            test.CopyTo(output);
        }

        using var writer = new CpioArchiveWriter(output, leaveOpen: true);
        writer.AddDirectory("vmmtest.d");
        writer.AddFile($"vmmtest.d/{scenario}.sh", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Scenarios", $"{scenario}.sh")));
        writer.Finish();
        return path;
    }

    private static string Md5(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));
}
