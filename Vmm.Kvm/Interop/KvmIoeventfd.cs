using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_ioeventfd</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmIoeventfd
{
    internal ulong Datamatch;
    internal ulong Addr;
    internal uint Len;
    internal int Fd;
    internal uint Flags;
    internal Pad36 Pad;
}
