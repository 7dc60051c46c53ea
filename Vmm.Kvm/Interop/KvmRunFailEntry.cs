using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run.fail_entry</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRunFailEntry
{
    internal ulong HardwareEntryFailureReason;
    internal uint Cpu;
}
