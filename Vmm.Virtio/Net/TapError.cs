namespace Vmm.Virtio.Net;

/// <summary>Why a tap could not be opened or set up (see <see cref="TapException"/>).</summary>
public enum TapError
{
    /// <summary>The interface name is empty, longer than 15 bytes, or contains '/', ':' or white space.</summary>
    InvalidName,

    /// <summary><c>/dev/net/tun</c> is missing or cannot be opened (no tun driver, no permission in this container).</summary>
    TunUnavailable,

    /// <summary>No network interface of that name exists in this network namespace.</summary>
    NotFound,

    /// <summary>An interface of that name already exists (when creating one).</summary>
    AlreadyExists,

    /// <summary>The tap is attached to another process (TUNSETIFF: EBUSY).</summary>
    Busy,

    /// <summary>The caller may not attach to the tap (not its owner or group, and no CAP_NET_ADMIN).</summary>
    PermissionDenied,

    /// <summary>The interface exists but is not a tap (a tun device, or not a tun/tap interface at all).</summary>
    NotATap,

    /// <summary>The kernel refused a setting the device needs (virtio-net header size or byte order, offloads).</summary>
    Unsupported,
}
