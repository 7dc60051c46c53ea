using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run.debug.arch</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRunDebug
{
    internal uint Exception;
    internal uint Pad;
    internal ulong Pc;
    internal ulong Dr6;
    internal ulong Dr7;
}
