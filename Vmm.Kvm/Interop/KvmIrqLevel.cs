using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_irq_level</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmIrqLevel
{
    internal uint Irq;
    internal uint Level;
}
