using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_irq_routing_entry</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmIrqRoutingEntry
{
    internal uint Gsi;
    internal uint Type;
    internal uint Flags;
    internal uint Pad;
    internal uint U0;
    internal uint U1;
    internal uint U2;
    internal uint U3;
    internal uint U4;
    internal uint U5;
    internal uint U6;
    internal uint U7;
}
