using System.Diagnostics;
using Vmm.Tests.Shared;

namespace Vmm.Reference.Tests;

/// <summary>
/// A named network namespace (<c>ip netns add</c>) with a persistent tap in it, for running vmm inside it
/// (<see cref="Launcher"/>) and reaching the guest from the test (<see cref="Sandbox"/>); never the host's namespace.
/// Deleted on dispose.
/// </summary>
internal sealed class TestNetworkNamespace : IDisposable
{
    private TestNetworkNamespace(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>The command prefix that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> Launcher => ["ip", "netns", "exec", Name];

    /// <summary>Creates descriptors (listening sockets) inside the namespace.</summary>
    public NetworkSandbox Sandbox { get; private set; } = null!;

    /// <summary>Creates the namespace with tap <paramref name="tap"/> at <paramref name="hostAddress"/> (CIDR), or skips the test saying why it cannot.</summary>
    public static TestNetworkNamespace Create(string tap, string? hostAddress = null)
    {
        if (!File.Exists("/dev/net/tun"))
        {
            Assert.Skip("/dev/net/tun is missing: the tun driver is not available here");
        }

        if (Environment.UserName != "root")
        {
            Assert.Skip("a network namespace with a tap needs root");
        }

        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            Assert.Skip("the ip tool (iproute2) is not installed");
        }

        var ns = new TestNetworkNamespace($"vmmtest{Environment.ProcessId}x{Random.Shared.Next(1 << 20)}");
        try
        {
            ns.Ip("netns", "add", ns.Name);
            ns.Ip("-n", ns.Name, "link", "set", "lo", "up");
            ns.Ip("-n", ns.Name, "tuntap", "add", "dev", tap, "mode", "tap");
            if (hostAddress is not null)
            {
                ns.Ip("-n", ns.Name, "addr", "add", hostAddress, "dev", tap);
            }

            ns.Ip("-n", ns.Name, "link", "set", tap, "up");
            ns.Sandbox = NetworkSandbox.Enter($"/run/netns/{ns.Name}");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Sandbox?.Dispose();
        try
        {
            Ip("netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Ip(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("ip", args) { RedirectStandardError = true, UseShellExecute = false })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {error.Trim()}");
        }
    }
}
