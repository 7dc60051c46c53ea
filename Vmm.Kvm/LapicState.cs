using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>The local APIC register page of a vCPU. Mirrors <c>kvm_lapic_state</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LapicState
{
    /// <summary>APIC registers, at their MMIO offsets.</summary>
    public LapicRegisterPage Registers;
}
