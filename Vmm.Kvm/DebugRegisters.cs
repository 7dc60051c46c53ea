using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>The debug registers of a vCPU. Mirrors <c>kvm_debugregs</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DebugRegisters
{
    /// <summary>DR0.</summary>
    public ulong Db0;

    /// <summary>DR1.</summary>
    public ulong Db1;

    /// <summary>DR2.</summary>
    public ulong Db2;

    /// <summary>DR3.</summary>
    public ulong Db3;

    /// <summary>DR6.</summary>
    public ulong Dr6;

    /// <summary>DR7.</summary>
    public ulong Dr7;

    /// <summary>Flags.</summary>
    public ulong Flags;

    /// <summary>Reserved.</summary>
    public Reserved72 Reserved;
}
