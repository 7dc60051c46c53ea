using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_irqfd</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmIrqfd
{
    internal uint Fd;
    internal uint Gsi;
    internal uint Flags;
    internal uint ResampleFd;
    internal Pad16 Pad;
}
