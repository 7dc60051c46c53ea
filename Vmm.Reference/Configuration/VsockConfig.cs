using System.Globalization;
using System.Text;
using Vmm.Virtio.Vsock;

namespace Vmm.Reference.Configuration;

/// <summary>The virtio-vsock device: the guest's CID and the host Unix socket it is reached through.</summary>
/// <param name="Cid">The guest's context ID (3 to 4294967294).</param>
/// <param name="UnixSocketPath">The listening socket for host-initiated connections; guest connections to port P go to <c>PATH_P</c>.</param>
internal sealed record VsockConfig(ulong Cid, string UnixSocketPath)
{
    /// <summary>The longest socket path accepted, in bytes: a Unix socket address holds 107, and <c>_PORT</c> takes up to 11 more.</summary>
    public const int MaxPathBytes = 96;

    private const string Expected = "cid=N,uds=PATH (N from 3 to 4294967294)";

    /// <summary>Parses the command-line form <c>cid=N,uds=PATH</c>.</summary>
    /// <exception cref="FormatException">A missing, unknown or repeated key, or a bad value.</exception>
    /// <exception cref="VmmException">The CID is reserved or out of range (<see cref="ExitCode.VsockCidInvalid"/>).</exception>
    public static VsockConfig Parse(string? text)
    {
        ulong? cid = null;
        string? path = null;
        foreach (string item in (text ?? string.Empty).Split(','))
        {
            int equals = item.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? item : item[..equals];
            string value = equals < 0 ? string.Empty : item[(equals + 1)..];
            switch (key)
            {
                case "cid" when cid is null:
                    cid = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong parsed)
                        ? parsed
                        : throw new FormatException($"--vsock: cid must be a number, not '{value}' (expected {Expected})");
                    break;
                case "uds" when path is null:
                    path = value;
                    break;
                case "cid" or "uds":
                    throw new FormatException($"--vsock: '{key}' is given twice (expected {Expected})");
                default:
                    throw new FormatException($"--vsock: unknown option '{item}' (expected {Expected})");
            }
        }

        return Create(cid, path, "--vsock", "cid", "uds");
    }

    /// <summary>Checks the two settings, wherever they came from; <paramref name="source"/> and the key names say where in the messages.</summary>
    /// <exception cref="FormatException">A setting is missing, or the path is empty or too long.</exception>
    /// <exception cref="VmmException">The CID is reserved or out of range (<see cref="ExitCode.VsockCidInvalid"/>).</exception>
    public static VsockConfig Create(ulong? cid, string? path, string source, string cidKey, string pathKey)
    {
        if (cid is not { } value)
        {
            throw new FormatException($"{source}: {cidKey} is required (expected {Expected})");
        }

        if (string.IsNullOrEmpty(path))
        {
            throw new FormatException($"{source}: {pathKey} is required: the host Unix socket path (expected {Expected})");
        }

        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            throw new FormatException($"{source}: the socket path is {Encoding.UTF8.GetByteCount(path)} bytes; a Unix socket path can have at most {MaxPathBytes} here (with '_PORT' appended for guest connections)");
        }

        if (!VirtioVsock.IsValidGuestCid(value))
        {
            string why = value <= VirtioVsock.HostCid ? "is reserved (0 hypervisor, 1 local, 2 host)" : "is too large";
            throw new VmmException(ExitCode.VsockCidInvalid, $"{source}: {cidKey} {value} {why}; the guest CID must be from 3 to 4294967294");
        }

        return new VsockConfig(value, path);
    }

    /// <summary>Fails early, before the machine is built, when something already exists at the socket path or its directory is missing.</summary>
    /// <exception cref="VmmException">With <see cref="ExitCode.VsockSocketUnavailable"/>.</exception>
    public void CheckSocketPathFree()
    {
        if (File.Exists(UnixSocketPath) || Directory.Exists(UnixSocketPath))
        {
            throw new VmmException(ExitCode.VsockSocketUnavailable, $"--vsock: the socket path {UnixSocketPath} is already taken (another vmm, or a stale socket: remove it, or choose another uds=)");
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(UnixSocketPath));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new VmmException(ExitCode.VsockSocketUnavailable, $"--vsock: cannot create the socket {UnixSocketPath}: the directory {directory} does not exist");
        }
    }
}
