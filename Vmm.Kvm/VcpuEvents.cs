using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>Pending and injected exceptions, interrupts, NMIs and SMIs of a vCPU. Mirrors <c>kvm_vcpu_events</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct VcpuEvents
{
    /// <summary>1 when an exception is injected.</summary>
    public byte ExceptionInjected;

    /// <summary>Exception vector.</summary>
    public byte ExceptionNumber;

    /// <summary>1 when the exception carries an error code.</summary>
    public byte ExceptionHasErrorCode;

    /// <summary>1 when an exception is pending.</summary>
    public byte ExceptionPending;

    /// <summary>Error code.</summary>
    public uint ExceptionErrorCode;

    /// <summary>1 when an interrupt is injected.</summary>
    public byte InterruptInjected;

    /// <summary>Interrupt vector.</summary>
    public byte InterruptNumber;

    /// <summary>1 for a software interrupt.</summary>
    public byte InterruptSoft;

    /// <summary>Interrupt shadow state.</summary>
    public byte InterruptShadow;

    /// <summary>1 when an NMI is injected.</summary>
    public byte NmiInjected;

    /// <summary>1 when an NMI is pending.</summary>
    public byte NmiPending;

    /// <summary>1 when NMIs are masked.</summary>
    public byte NmiMasked;

    /// <summary>Reserved.</summary>
    public byte NmiPad;

    /// <summary>SIPI vector.</summary>
    public uint SipiVector;

    /// <summary>KVM_VCPUEVENT_VALID_* flags.</summary>
    public uint Flags;

    /// <summary>In SMM.</summary>
    public byte Smm;

    /// <summary>SMI pending.</summary>
    public byte SmiPending;

    /// <summary>SMM entered inside an NMI.</summary>
    public byte SmmInsideNmi;

    /// <summary>INIT latched.</summary>
    public byte SmiLatchedInit;

    /// <summary>Triple fault pending.</summary>
    public byte TripleFaultPending;

    /// <summary>Reserved.</summary>
    public Reserved26 Reserved;

    /// <summary>1 when the exception has a payload.</summary>
    public byte ExceptionHasPayload;

    /// <summary>Exception payload (CR2/DR6).</summary>
    public ulong ExceptionPayload;
}
