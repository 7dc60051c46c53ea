using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Vmm.Tests.Shared;

/// <summary>
/// A private network namespace for tests and benchmarks, never the host's: a dedicated thread unshares (or enters) a
/// network namespace and creates every descriptor asked for there — taps, sockets — which keep working from any thread.
/// Interface setup goes through ioctls on a control socket of that namespace.
/// </summary>
public sealed unsafe class NetworkSandbox : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;
    private int _control = -1;

    private NetworkSandbox(string? enterPath)
    {
        var ready = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Serve(enterPath, ready)) { IsBackground = true, Name = "netns sandbox" };
        _thread.Start();
        var error = ready.Task.GetAwaiter().GetResult();
        if (error is not null)
        {
            _work.CompleteAdding();
            throw new InvalidOperationException(error);
        }
    }

    /// <summary>Creates a fresh network namespace, or says why it cannot (not root, no /dev/net/tun, no CAP_SYS_ADMIN).</summary>
    public static NetworkSandbox? TryCreate(out string reason)
    {
        if (!File.Exists("/dev/net/tun"))
        {
            reason = "/dev/net/tun is missing: the tun driver is not available here";
            return null;
        }

        if (SandboxInterop.GetEuid() != 0)
        {
            reason = "creating a network namespace and a tap needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)";
            return null;
        }

        try
        {
            reason = "";
            return new NetworkSandbox(null);
        }
        catch (InvalidOperationException e)
        {
            reason = e.Message;
            return null;
        }
    }

    /// <summary>Enters the named network namespace at <paramref name="path"/> (e.g. /run/netns/NAME, made by <c>ip netns add</c>).</summary>
    public static NetworkSandbox Enter(string path) => new(path);

    /// <summary>Runs <paramref name="body"/> on the namespace's thread.</summary>
    public T Run<T>(Func<T> body)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(body());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="body"/> on the namespace's thread.</summary>
    public void Run(Action body) => Run(() =>
    {
        body();
        return 0;
    });

    /// <summary>The interface index of <paramref name="name"/> in the namespace (0: none).</summary>
    public int InterfaceIndex(string name) => Run(() => (int)SandboxInterop.IfNameToIndex(name));

    /// <summary>Brings <paramref name="name"/> up.</summary>
    public void SetUp(string name)
    {
        var request = Request(name);
        Control(SandboxInterop.SIOCGIFFLAGS, ref request, "SIOCGIFFLAGS");
        *(short*)request.Union |= SandboxInterop.IFF_UP;
        Control(SandboxInterop.SIOCSIFFLAGS, ref request, "SIOCSIFFLAGS");
    }

    /// <summary>Sets the transmit queue length of <paramref name="name"/> (for a tap: how many frames wait for the reader).</summary>
    public void SetTransmitQueueLength(string name, int length)
    {
        var request = Request(name);
        *(int*)request.Union = length;
        Control(SandboxInterop.SIOCSIFTXQLEN, ref request, "SIOCSIFTXQLEN");
    }

    /// <summary>Sets the MTU of <paramref name="name"/>.</summary>
    public void SetMtu(string name, int mtu)
    {
        var request = Request(name);
        *(int*)request.Union = mtu;
        Control(SandboxInterop.SIOCSIFMTU, ref request, "SIOCSIFMTU");
    }

    /// <summary>Gives <paramref name="name"/> the IPv4 address <paramref name="address"/>/<paramref name="prefixLength"/>.</summary>
    public void SetAddress(string name, IPAddress address, int prefixLength)
    {
        var request = Request(name);
        WriteSockAddrIn(request.Union, address.GetAddressBytes());
        Control(SandboxInterop.SIOCSIFADDR, ref request, "SIOCSIFADDR");
        uint mask = prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
        request = Request(name);
        WriteSockAddrIn(request.Union, [(byte)(mask >> 24), (byte)(mask >> 16), (byte)(mask >> 8), (byte)mask]);
        Control(SandboxInterop.SIOCSIFNETMASK, ref request, "SIOCSIFNETMASK");
    }

    /// <summary>The MAC address of <paramref name="name"/>.</summary>
    public byte[] HardwareAddress(string name)
    {
        var request = Request(name);
        Control(SandboxInterop.SIOCGIFHWADDR, ref request, "SIOCGIFHWADDR");
        return new ReadOnlySpan<byte>(request.Union + 2, 6).ToArray();
    }

    /// <summary>Turns IPv6 off in the namespace so that the kernel sends no neighbour discovery on new interfaces (best effort).</summary>
    public void DisableIpv6() => Run(() =>
    {
        foreach (var path in new[] { "/proc/sys/net/ipv6/conf/all/disable_ipv6", "/proc/sys/net/ipv6/conf/default/disable_ipv6" })
        {
            try
            {
                File.WriteAllText(path, "1");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    });

    /// <summary>Opens an AF_PACKET socket on <paramref name="name"/>, with virtio-net headers when <paramref name="vnetHeader"/>.</summary>
    public PacketSocket OpenPacketSocket(string name, bool vnetHeader = false) => Run(() =>
    {
        int fd = SandboxInterop.Socket(SandboxInterop.AF_PACKET, SandboxInterop.SOCK_RAW | SandboxInterop.SOCK_CLOEXEC, SandboxInterop.ETH_P_ALL_BE);
        if (fd < 0)
        {
            throw new IOException($"socket(AF_PACKET) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var socket = new PacketSocket(fd);
        try
        {
            int one = 1;
            if (vnetHeader && SandboxInterop.SetSockOpt(fd, SandboxInterop.SOL_PACKET, SandboxInterop.PACKET_VNET_HDR, &one, sizeof(int)) != 0)
            {
                throw new IOException($"PACKET_VNET_HDR failed: errno {Marshal.GetLastPInvokeError()}");
            }

            int buffer = 8 << 20;
            _ = SandboxInterop.SetSockOpt(fd, SandboxInterop.SOL_SOCKET, SandboxInterop.SO_RCVBUF, &buffer, sizeof(int));
            _ = SandboxInterop.SetSockOpt(fd, SandboxInterop.SOL_SOCKET, SandboxInterop.SO_SNDBUF, &buffer, sizeof(int));
            var address = new SandboxInterop.SockAddrLl
            {
                Family = SandboxInterop.AF_PACKET,
                Protocol = SandboxInterop.ETH_P_ALL_BE,
                IfIndex = (int)SandboxInterop.IfNameToIndex(name),
            };
            if (address.IfIndex == 0 || SandboxInterop.Bind(fd, &address, sizeof(SandboxInterop.SockAddrLl)) != 0)
            {
                throw new IOException($"bind(AF_PACKET, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    });

    /// <summary>Creates a socket in the namespace.</summary>
    public Socket OpenSocket(SocketType type, ProtocolType protocol) => Run(() => new Socket(AddressFamily.InterNetwork, type, protocol));

    public void Dispose()
    {
        if (!_work.IsAddingCompleted)
        {
            Run(() =>
            {
                if (_control >= 0)
                {
                    SandboxInterop.Close(_control);
                    _control = -1;
                }
            });
            _work.CompleteAdding();
        }

        _thread.Join();
        _work.Dispose();
    }

    private static void WriteSockAddrIn(byte* destination, ReadOnlySpan<byte> address)
    {
        *(ushort*)destination = SandboxInterop.AF_INET;
        address.CopyTo(new Span<byte>(destination + 4, 4));
    }

    private static SandboxInterop.IfReq Request(string name)
    {
        var request = default(SandboxInterop.IfReq);
        Encoding.ASCII.GetBytes(name, new Span<byte>(request.Name, 15));
        return request;
    }

    private void Control(uint code, ref SandboxInterop.IfReq request, string what)
    {
        var copy = request;
        copy = Run(() =>
        {
            var local = copy;
            if (SandboxInterop.Ioctl(_control, code, &local) != 0)
            {
                throw new IOException($"{what} failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return local;
        });
        request = copy;
    }

    private void Serve(string? enterPath, TaskCompletionSource<string?> ready)
    {
        if (enterPath is null)
        {
            if (SandboxInterop.Unshare(SandboxInterop.CLONE_NEWNET) != 0)
            {
                ready.SetResult($"unshare(CLONE_NEWNET) failed: errno {Marshal.GetLastPInvokeError()} (no CAP_SYS_ADMIN here?)");
                return;
            }
        }
        else
        {
            using var ns = File.OpenHandle(enterPath, FileMode.Open, FileAccess.Read);
            if (SandboxInterop.SetNs((int)ns.DangerousGetHandle(), SandboxInterop.CLONE_NEWNET) != 0)
            {
                ready.SetResult($"setns({enterPath}) failed: errno {Marshal.GetLastPInvokeError()}");
                return;
            }
        }

        _control = SandboxInterop.Socket(SandboxInterop.AF_INET, SandboxInterop.SOCK_DGRAM | SandboxInterop.SOCK_CLOEXEC, 0);
        if (_control < 0)
        {
            ready.SetResult($"socket(AF_INET) failed: errno {Marshal.GetLastPInvokeError()}");
            return;
        }

        ready.SetResult(null);
        foreach (var item in _work.GetConsumingEnumerable())
        {
            item();
        }
    }
}
