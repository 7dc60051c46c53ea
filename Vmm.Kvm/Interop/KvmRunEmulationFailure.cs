using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run.emulation_failure</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRunEmulationFailure
{
    internal uint Suberror;
    internal uint Ndata;
    internal ulong Flags;
    internal byte InsnSize;
    internal Pad15 InsnBytes;
}
