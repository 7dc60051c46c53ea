using System.Runtime.InteropServices;

namespace Vmm.Virtio.Interop;

/// <summary>struct ifreq as TUNSETIFF uses it: the interface name and the flags (40 bytes on x86-64).</summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
internal unsafe struct IfReq
{
    internal const int NameSize = 16;

    internal fixed byte Name[NameSize];
    internal short Flags;
}
