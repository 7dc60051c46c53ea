using System.Net.Sockets;
using Vmm.Virtio.Vsock;

namespace Vmm.Reference.Machine;

/// <summary>The virtio-vsock side of <see cref="MicroVm"/>: the device and its host socket.</summary>
internal sealed partial class MicroVm
{
    /// <summary>
    /// Attaches a virtio-vsock device when the configuration asks for one: binds its Unix socket (a taken path is the
    /// user's error, with its own exit code), watches host sockets through the device event loop, and removes the
    /// socket file when the VM is disposed.
    /// </summary>
    private void CreateVsock()
    {
        if (_config.Vsock is not { } config)
        {
            return;
        }

        VirtioVsock vsock;
        try
        {
            vsock = new VirtioVsock(new VirtioVsockOptions { GuestCid = config.Cid, UnixSocketPath = config.UnixSocketPath }, DeviceEvents);
        }
        catch (SocketException e)
        {
            throw new VmmException(
                ExitCode.VsockSocketUnavailable,
                e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"--vsock: the socket path {config.UnixSocketPath} is already taken (another vmm, or a stale socket: remove it, or choose another uds=)"
                    : $"--vsock: cannot create the socket {config.UnixSocketPath}: {e.Message}",
                e);
        }

        _owned.Add(vsock);
        Attach("vsock", vsock);
        Log.Info("vsock", $"guest CID {config.Cid}; host clients connect to {config.UnixSocketPath} and send 'CONNECT <port>'; guest connections to port P go to {config.UnixSocketPath}_P");
    }
}
