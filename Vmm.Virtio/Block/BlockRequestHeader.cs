using System.Runtime.InteropServices;

namespace Vmm.Virtio.Block;

/// <summary>struct virtio_blk_outhdr (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct BlockRequestHeader
{
    public readonly uint Type;
    public readonly uint Priority;
    public readonly ulong Sector;
}
