using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_coalesced_mmio_zone</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmCoalescedMmioZone
{
    internal ulong Addr;
    internal uint Size;
    internal uint Pio;
}
