using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run.mmio</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRunMmio
{
    internal ulong PhysAddr;
    internal ulong Data;
    internal uint Len;
    internal byte IsWrite;
}
