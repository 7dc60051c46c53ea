using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_cpuid2</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmCpuid2Header
{
    internal uint Nent;
    internal uint Padding;
}
