using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_enable_cap</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmEnableCap
{
    internal uint Cap;
    internal uint Flags;
    internal ulong Arg0;
    internal ulong Arg1;
    internal ulong Arg2;
    internal ulong Arg3;
    internal Pad64 Pad;
}
