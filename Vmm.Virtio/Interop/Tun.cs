using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vmm.Virtio.Interop;

/// <summary>/dev/net/tun, its ioctls (linux/if_tun.h) and the system calls a tap backend needs.</summary>
internal static unsafe partial class Tun
{
    internal const string DevicePath = "/dev/net/tun";

    internal const int O_RDWR = 0x2;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;

    // _IOW('T', n, int) = 0x40045400 | n; _IOR('T', n, int) = 0x80045400 | n.
    internal const uint TUNSETIFF = 0x400454ca;
    internal const uint TUNSETOFFLOAD = 0x400454d0;
    internal const uint TUNGETIFF = 0x800454d2;
    internal const uint TUNSETVNETHDRSZ = 0x400454d8;
    internal const uint TUNSETVNETLE = 0x400454dc;

    internal const short IFF_TAP = 0x0002;
    internal const short IFF_NO_PI = 0x1000;
    internal const short IFF_VNET_HDR = 0x4000;
    internal const short IFF_TUN_EXCL = unchecked((short)0x8000);

    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int EIO = 5;
    internal const int ENXIO = 6;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EBUSY = 16;
    internal const int ENODEV = 19;
    internal const int EINVAL = 22;
    internal const int EBADFD = 77;
    internal const int ENOBUFS = 105;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(SafeFileHandle fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoctlValue(SafeFileHandle fd, nuint request, nuint argument);

    [LibraryImport("libc", EntryPoint = "readv", SetLastError = true)]
    internal static partial nint ReadV(SafeFileHandle fd, Iovec* iov, int count);

    [LibraryImport("libc", EntryPoint = "writev", SetLastError = true)]
    internal static partial nint WriteV(SafeFileHandle fd, Iovec* iov, int count);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);
}
