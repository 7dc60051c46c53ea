namespace Vmm.Devices;

/// <summary>The readiness of a host file descriptor that a device waits on (see <see cref="IDeviceEventLoop"/>).</summary>
[Flags]
public enum DeviceEvents : uint
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Data can be read (or a peer connected to a listening socket).</summary>
    Readable = 0x001,

    /// <summary>Data can be written without blocking.</summary>
    Writable = 0x004,

    /// <summary>An error is pending on the descriptor (always reported, whether asked for or not).</summary>
    Error = 0x008,

    /// <summary>The peer hung up (always reported, whether asked for or not).</summary>
    HangUp = 0x010,
}
