namespace Vmm.Kvm;

/// <summary>
/// Why <see cref="Vcpu.Run"/> returned. Values equal the kernel's KVM_EXIT_* numbers (all below 64), except
/// <see cref="Unrecognized"/>; the members are the only list of the numbers this package knows: <see cref="Vcpu.Run"/>
/// reports any other number as <see cref="Unrecognized"/>.
/// </summary>
public enum VcpuExitReason
{
    /// <summary>KVM_EXIT_UNKNOWN: the hardware exit reason is unknown to KVM (see <see cref="VcpuExit.HardwareExitReason"/>).</summary>
    Unknown = 0,

    /// <summary>KVM_EXIT_EXCEPTION.</summary>
    Exception = 1,

    /// <summary>KVM_EXIT_IO: port I/O (see the <c>Io*</c> accessors).</summary>
    Io = 2,

    /// <summary>KVM_EXIT_HYPERCALL.</summary>
    Hypercall = 3,

    /// <summary>KVM_EXIT_DEBUG: a debug exception with guest debugging enabled.</summary>
    Debug = 4,

    /// <summary>KVM_EXIT_HLT: the guest halted (only without an in-kernel irqchip).</summary>
    Hlt = 5,

    /// <summary>KVM_EXIT_MMIO (see the <c>Mmio*</c> accessors).</summary>
    Mmio = 6,

    /// <summary>KVM_EXIT_IRQ_WINDOW_OPEN: the guest can take an interrupt.</summary>
    IrqWindowOpen = 7,

    /// <summary>KVM_EXIT_SHUTDOWN: triple fault.</summary>
    Shutdown = 8,

    /// <summary>KVM_EXIT_FAIL_ENTRY: the hardware refused to enter the guest (see <see cref="VcpuExit.FailEntryReason"/>).</summary>
    FailEntry = 9,

    /// <summary>KVM_EXIT_INTR or KVM_RUN returned EINTR: a signal or <see cref="Vcpu.Kick"/> interrupted the run.</summary>
    Interrupted = 10,

    /// <summary>KVM_EXIT_SET_TPR.</summary>
    SetTpr = 11,

    /// <summary>KVM_EXIT_TPR_ACCESS.</summary>
    TprAccess = 12,

    /// <summary>KVM_EXIT_NMI.</summary>
    Nmi = 16,

    /// <summary>KVM_EXIT_INTERNAL_ERROR (see <see cref="VcpuExit.InternalErrorSuberror"/> and <see cref="VcpuExit.InstructionBytes"/>).</summary>
    InternalError = 17,

    /// <summary>KVM_EXIT_SYSTEM_EVENT: shutdown, reset or crash request (see <see cref="VcpuExit.SystemEventType"/>).</summary>
    SystemEvent = 24,

    /// <summary>KVM_EXIT_IOAPIC_EOI (split irqchip; see <see cref="VcpuExit.EoiVector"/>).</summary>
    IoapicEoi = 26,

    /// <summary>KVM_EXIT_HYPERV.</summary>
    HyperV = 27,

    /// <summary>KVM_EXIT_X86_RDMSR.</summary>
    X86Rdmsr = 29,

    /// <summary>KVM_EXIT_X86_WRMSR.</summary>
    X86Wrmsr = 30,

    /// <summary>KVM_EXIT_DIRTY_RING_FULL.</summary>
    DirtyRingFull = 31,

    /// <summary>KVM_EXIT_X86_BUS_LOCK.</summary>
    X86BusLock = 33,

    /// <summary>KVM_EXIT_NOTIFY.</summary>
    Notify = 37,

    /// <summary>A reason this package does not know; <see cref="VcpuExit.RawReason"/> carries the number.</summary>
    Unrecognized = -1,
}
