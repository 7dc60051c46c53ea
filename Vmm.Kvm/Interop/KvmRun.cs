using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRun
{
    internal byte RequestInterruptWindow;
    internal byte ImmediateExit;
    internal Pad6 Padding1;
    internal uint ExitReason;
    internal byte ReadyForInterruptInjection;
    internal byte IfFlag;
    internal ushort Flags;
    internal ulong Cr8;
    internal ulong ApicBase;
    internal Pad256 Exit;
    internal ulong KvmValidRegs;
    internal ulong KvmDirtyRegs;
}
