using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Vmm.Virtio.Interop;

namespace Vmm.Virtio.Net;

/// <summary>
/// A Linux tap interface opened through <c>/dev/net/tun</c> for a virtio-net backend: <c>IFF_TAP | IFF_NO_PI |
/// IFF_VNET_HDR</c>, the 12-byte virtio_net_hdr_v1 (<c>TUNSETVNETHDRSZ</c>, little-endian), non-blocking and
/// close-on-exec. Every frame read or written starts with that header. Offloads start off; the device turns on what
/// the driver negotiated.
/// </summary>
public sealed unsafe class Tap : IDisposable
{
    /// <summary>The virtio-net header the tap exchanges with every frame (struct virtio_net_hdr_v1).</summary>
    public const int HeaderSize = 12;

    internal const uint OffloadChecksum = 0x01;
    internal const uint OffloadTso4 = 0x02;
    internal const uint OffloadTso6 = 0x04;
    internal const uint OffloadUfo = 0x10;

    private readonly SafeFileHandle _fd;

    private Tap(string name, SafeFileHandle fd)
    {
        Name = name;
        _fd = fd;
    }

    /// <summary>The interface name.</summary>
    public string Name { get; }

    /// <summary>The tap's file descriptor, for an event loop to watch.</summary>
    public SafeHandle Handle => _fd;

    /// <summary>Attaches to the existing tap <paramref name="name"/> (created beforehand, e.g. <c>ip tuntap add NAME mode tap</c>).</summary>
    /// <exception cref="TapException">The name is invalid, the tun driver cannot be opened, no such interface exists, it is not a tap, or it is busy.</exception>
    public static Tap Open(string name)
    {
        ValidateName(name);
        return Attach(name, create: false);
    }

    /// <summary>Creates a new tap <paramref name="name"/> owned by this handle: it disappears when the handle is closed (needs CAP_NET_ADMIN).</summary>
    /// <exception cref="TapException">The name is invalid or taken, or the tun driver refused.</exception>
    public static Tap Create(string name)
    {
        ValidateName(name);
        return Attach(name, create: true);
    }

    /// <summary>Closes the tap.</summary>
    public void Dispose() => _fd.Dispose();

    /// <summary>Sets the offloads (TUN_F_* bits) the reader of this tap accepts; returns 0 or the errno.</summary>
    internal int SetOffload(uint flags)
    {
        while (Tun.IoctlValue(_fd, Tun.TUNSETOFFLOAD, flags) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                return errno;
            }
        }

        return 0;
    }

    /// <summary>readv(2) of one frame (header first); the bytes of the frame, or −errno (−EAGAIN: nothing pending).</summary>
    internal nint ReadV(Iovec* iov, int count)
    {
        while (true)
        {
            nint n = Tun.ReadV(_fd, iov, count);
            if (n >= 0)
            {
                return n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                return -errno;
            }
        }
    }

    /// <summary>writev(2) of one frame (header first); the bytes written, or −errno.</summary>
    internal nint WriteV(Iovec* iov, int count)
    {
        while (true)
        {
            nint n = Tun.WriteV(_fd, iov, count);
            if (n >= 0)
            {
                return n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                return -errno;
            }
        }
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool valid = name.Length > 0 && Encoding.UTF8.GetByteCount(name) < IfReq.NameSize && name is not "." and not ".."
            && !name.AsSpan().ContainsAny("/: \t\n\r\0");
        if (!valid)
        {
            throw new TapException(name, TapError.InvalidName, Tun.EINVAL, $"'{name}' is not a valid interface name (1 to 15 bytes, no '/', ':' or white space)");
        }
    }

    private static Tap Attach(string name, bool create)
    {
        int raw = Tun.Open(Tun.DevicePath, Tun.O_RDWR | Tun.O_NONBLOCK | Tun.O_CLOEXEC);
        if (raw < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new TapException(name, TapError.TunUnavailable, errno, $"cannot open {Tun.DevicePath}: {Describe(errno)}");
        }

        var fd = new SafeFileHandle(raw, ownsHandle: true);
        try
        {
            // Without this check TUNSETIFF would quietly create a new, unconfigured tap of that name.
            if (!create && Tun.IfNameToIndex(name) == 0)
            {
                throw new TapException(name, TapError.NotFound, Tun.ENODEV, $"no network interface '{name}' in this network namespace");
            }

            var request = default(IfReq);
            Encoding.UTF8.GetBytes(name, new Span<byte>(request.Name, IfReq.NameSize - 1));
            request.Flags = (short)(Tun.IFF_TAP | Tun.IFF_NO_PI | Tun.IFF_VNET_HDR | (create ? Tun.IFF_TUN_EXCL : 0));
            Check(name, Tun.Ioctl(fd, Tun.TUNSETIFF, &request), create ? "create" : "attach to");
            int headerSize = HeaderSize;
            CheckSetting(name, Tun.Ioctl(fd, Tun.TUNSETVNETHDRSZ, &headerSize), "the virtio-net header size");
            int littleEndian = 1;
            CheckSetting(name, Tun.Ioctl(fd, Tun.TUNSETVNETLE, &littleEndian), "little-endian virtio-net headers");
            var tap = new Tap(name, fd);
            int offloadError = tap.SetOffload(0);
            if (offloadError != 0)
            {
                throw new TapException(name, TapError.Unsupported, offloadError, $"tap '{name}': cannot clear the offloads: {Describe(offloadError)}");
            }

            return tap;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static void Check(string name, int rc, string action)
    {
        if (rc >= 0)
        {
            return;
        }

        int errno = Marshal.GetLastPInvokeError();
        var (error, what) = errno switch
        {
            Tun.EBUSY => (TapError.Busy, "it is in use by another process"),
            Tun.EPERM or Tun.EACCES => (TapError.PermissionDenied, "permission denied (not its owner, no CAP_NET_ADMIN)"),
            Tun.EINVAL => (TapError.NotATap, "it is not a tap interface"),
            _ => (TapError.Unsupported, Describe(errno)),
        };
        if (errno == Tun.EBUSY && action == "create")
        {
            (error, what) = (TapError.AlreadyExists, "an interface of that name exists");
        }

        throw new TapException(name, error, errno, $"cannot {action} tap '{name}': {what}");
    }

    private static void CheckSetting(string name, int rc, string setting)
    {
        if (rc < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new TapException(name, TapError.Unsupported, errno, $"tap '{name}': the kernel refused {setting}: {Describe(errno)}");
        }
    }

    private static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno) + $" (errno {errno})";
}
