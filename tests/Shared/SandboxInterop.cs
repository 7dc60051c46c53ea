using System.Runtime.InteropServices;

namespace Vmm.Tests.Shared;

/// <summary>The system calls the network sandbox needs (tests and benchmarks only).</summary>
internal static unsafe partial class SandboxInterop
{
    internal const int CLONE_NEWNET = 0x40000000;
    internal const int AF_INET = 2;
    internal const int AF_PACKET = 17;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOCK_NONBLOCK = 0x800;
    internal const ushort ETH_P_ALL_BE = 0x0300;
    internal const int SOL_PACKET = 263;
    internal const int PACKET_VNET_HDR = 15;
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVBUF = 8;
    internal const int SO_SNDBUF = 7;
    internal const uint SIOCGIFFLAGS = 0x8913;
    internal const uint SIOCSIFFLAGS = 0x8914;
    internal const uint SIOCSIFADDR = 0x8916;
    internal const uint SIOCSIFNETMASK = 0x891c;
    internal const uint SIOCGIFHWADDR = 0x8927;
    internal const uint SIOCSIFTXQLEN = 0x8943;
    internal const uint SIOCSIFMTU = 0x8922;
    internal const short IFF_UP = 1;
    internal const short POLLIN = 1;

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(int fd, int type);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, void* address, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    internal static partial nint Recv(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        internal int Fd;
        internal short Events;
        internal short Revents;
    }

    /// <summary>struct ifreq with the union as raw bytes (40 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    internal struct IfReq
    {
        internal fixed byte Name[16];
        internal fixed byte Union[24];
    }

    /// <summary>struct sockaddr_ll (20 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SockAddrLl
    {
        internal ushort Family;
        internal ushort Protocol;
        internal int IfIndex;
        internal ushort HaType;
        internal byte PktType;
        internal byte HaLen;
        internal fixed byte Addr[8];
    }
}
