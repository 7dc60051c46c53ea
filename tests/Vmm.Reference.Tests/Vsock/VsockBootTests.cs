using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Vmm.Reference.Tests.Vsock;

/// <summary>
/// End to end, one boot: the guest's vsock client reaches a host Unix-socket server (guest-initiated, through
/// <c>&lt;uds&gt;_5000</c>), then a host client reaches a guest vsock server (host-initiated, <c>CONNECT 5001</c> /
/// <c>OK &lt;port&gt;</c>), each direction carrying a line both ways with half-closes.
/// </summary>
[Trait("Verification", "PendingKvm")]
[Trait("Category", "Boot")]
public sealed class VsockBootTests : IDisposable
{
    private const string Pattern = "VMMTEST-PATTERN-0123456789";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(4);
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-vsock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_VsockBothDirections_GuestReachesHostServerAndHostClientReachesGuestServer()
    {
        GuestArtifacts.Require(GuestArtifacts.Vmlinux, GuestArtifacts.TestInitramfs);
        string uds = Path.Combine(_dir, "v.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint($"{uds}_5000"));
        listener.Listen(1);
        var server = Task.Run(() => ServeOneGuestConnection(listener), TestContext.Current.CancellationToken);
        Task<(string OkLine, string FromGuest)>? client = null;

        var result = VmmProcess.Run(
            ["run", "--kernel", GuestArtifacts.Vmlinux, "--initrd", GuestArtifacts.TestInitramfs,
             "--cmdline", "console=ttyS0 panic=-1 reboot=t lpj=21000000 retain_initrd vmmtest=vsock-connect,vsock-listen,poweroff",
             "--vsock", $"cid=3,uds={uds}", "--log-level", "info"],
            BootTimeout,
            stopWhen: output =>
            {
                if (client is null && output.Contains("vsock: listening on port 5001", StringComparison.Ordinal))
                {
                    client = Task.Run(() => ConnectToGuest(uds, 5001), TestContext.Current.CancellationToken);
                }

                return false;
            });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Pattern + "\n", await Within(server, "the host server", result));
        Assert.Equal("host-got-" + Pattern, Marker(result, "vsock-connect"));

        Assert.True(client is not null, "the guest server never said it was listening\n" + result);
        var (okLine, fromGuest) = await Within(client, "the host client", result);
        Assert.Matches(@"^OK \d+\n$", okLine);
        Assert.Equal(Pattern + "\n", fromGuest);
        Assert.Equal("hello-from-the-host-client", Marker(result, "vsock-listen"));

        Assert.Matches(@"virtio-vsock: .* guest-connects=1 host-connects=1 connect-failures=0 rejected-connections=0 protocol-errors=0 malformed-chains=0 ", result.StandardError);
        Assert.False(File.Exists(uds), "the socket file outlived vmm");
    }

    private static async Task<T> Within<T>(Task<T> task, string what, VmmResult result)
    {
        try
        {
            return await task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not finish\n{result}");
            throw;
        }
    }

    private static string Marker(VmmResult result, string scenario)
    {
        var match = Regex.Match(result.StandardOutput, $@"VMMTEST: {Regex.Escape(scenario)} ok ?([^\r\n]*)");
        Assert.True(match.Success, $"no 'VMMTEST: {scenario} ok' line\n{result}");
        return match.Groups[1].Value.Trim();
    }

    /// <summary>The host service at &lt;uds&gt;_5000: reads the guest's stream to its end, answers one line, closes.</summary>
    private static string ServeOneGuestConnection(Socket listener)
    {
        if (!listener.Poll(BootTimeout, SelectMode.SelectRead))
        {
            return "no connection";
        }

        using var connection = listener.Accept();
        connection.ReceiveTimeout = 60_000;
        string received = ReadToEnd(connection);
        connection.Send(Encoding.ASCII.GetBytes($"host-got-{received.Trim()}\n"));
        return received;
    }

    /// <summary>A host client of the guest's server: CONNECT, the OK line, one line sent, the guest's stream read to its end.</summary>
    private static (string OkLine, string FromGuest) ConnectToGuest(string uds, uint port)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 60_000 };
        socket.Connect(new UnixDomainSocketEndPoint(uds));
        socket.Send(Encoding.ASCII.GetBytes($"CONNECT {port}\n"));
        var ok = new StringBuilder();
        var one = new byte[1];
        while (socket.Receive(one) == 1)
        {
            ok.Append((char)one[0]);
            if (one[0] == '\n')
            {
                break;
            }
        }

        socket.Send("hello-from-the-host-client\n"u8);
        socket.Shutdown(SocketShutdown.Send);
        return (ok.ToString(), ReadToEnd(socket));
    }

    private static string ReadToEnd(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }
}
