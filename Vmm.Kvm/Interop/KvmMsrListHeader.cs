using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_msr_list</c> from linux/kvm.h (the header before the index array).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmMsrListHeader
{
    internal uint Nmsrs;
}
