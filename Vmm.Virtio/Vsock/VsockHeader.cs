using System.Runtime.InteropServices;

namespace Vmm.Virtio.Vsock;

/// <summary>
/// struct virtio_vsock_hdr (VIRTIO 1.2 §5.10.6): the 44-byte header in front of every vsock packet, little-endian as on
/// every host this package supports. Every field of a header read from the transmit queue is guest-controlled.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct VsockHeader
{
    /// <summary>The size of the header in bytes.</summary>
    public const int Size = 44;

    /// <summary>VIRTIO_VSOCK_TYPE_STREAM, the only socket type this device carries.</summary>
    public const ushort TypeStream = 1;

    /// <summary>The sender's context ID.</summary>
    public ulong SourceCid;

    /// <summary>The receiver's context ID.</summary>
    public ulong DestinationCid;

    /// <summary>The sender's port.</summary>
    public uint SourcePort;

    /// <summary>The receiver's port.</summary>
    public uint DestinationPort;

    /// <summary>The payload length (only <see cref="VsockOperation.ReadWrite"/> carries a payload).</summary>
    public uint Length;

    /// <summary>The socket type (<see cref="TypeStream"/>).</summary>
    public ushort Type;

    /// <summary>The operation.</summary>
    public VsockOperation Operation;

    /// <summary>Operation flags (<see cref="VsockShutdownFlags"/> for <see cref="VsockOperation.Shutdown"/>).</summary>
    public uint Flags;

    /// <summary>The sender's receive buffer size for this connection (credit: buf_alloc).</summary>
    public uint BufferAllocation;

    /// <summary>The bytes the sender has consumed from its receive buffer so far, modulo 2^32 (credit: fwd_cnt).</summary>
    public uint ForwardCount;
}
