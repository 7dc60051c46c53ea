using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>The extended control registers of a vCPU. Mirrors <c>kvm_xcrs</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ExtendedControlRegisters
{
    /// <summary>Number of valid entries.</summary>
    public uint Count;

    /// <summary>Flags.</summary>
    public uint Flags;

    /// <summary>Entries.</summary>
    public ExtendedControlRegisterArray Registers;

    /// <summary>Reserved.</summary>
    public Reserved128 Padding;
}
