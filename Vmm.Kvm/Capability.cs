namespace Vmm.Kvm;

/// <summary>KVM capabilities (KVM_CAP_* numbers) queried with KVM_CHECK_EXTENSION and enabled with KVM_ENABLE_CAP.</summary>
public enum Capability
{
    /// <summary>KVM_CAP_IRQCHIP.</summary>
    IrqChip = 0,

    /// <summary>KVM_CAP_HLT.</summary>
    Hlt = 1,

    /// <summary>KVM_CAP_USER_MEMORY.</summary>
    UserMemory = 3,

    /// <summary>KVM_CAP_SET_TSS_ADDR.</summary>
    SetTssAddr = 4,

    /// <summary>KVM_CAP_VAPIC.</summary>
    Vapic = 6,

    /// <summary>KVM_CAP_EXT_CPUID.</summary>
    ExtCpuid = 7,

    /// <summary>KVM_CAP_CLOCKSOURCE.</summary>
    Clocksource = 8,

    /// <summary>KVM_CAP_NR_VCPUS.</summary>
    NrVcpus = 9,

    /// <summary>KVM_CAP_NR_MEMSLOTS.</summary>
    NrMemslots = 10,

    /// <summary>KVM_CAP_PIT.</summary>
    Pit = 11,

    /// <summary>KVM_CAP_NOP_IO_DELAY.</summary>
    NopIoDelay = 12,

    /// <summary>KVM_CAP_PV_MMU.</summary>
    PvMmu = 13,

    /// <summary>KVM_CAP_MP_STATE.</summary>
    MpState = 14,

    /// <summary>KVM_CAP_COALESCED_MMIO.</summary>
    CoalescedMmio = 15,

    /// <summary>KVM_CAP_SYNC_MMU.</summary>
    SyncMmu = 16,

    /// <summary>KVM_CAP_IOMMU.</summary>
    Iommu = 18,

    /// <summary>KVM_CAP_DESTROY_MEMORY_REGION_WORKS.</summary>
    DestroyMemoryRegionWorks = 21,

    /// <summary>KVM_CAP_USER_NMI.</summary>
    UserNmi = 22,

    /// <summary>KVM_CAP_SET_GUEST_DEBUG.</summary>
    SetGuestDebug = 23,

    /// <summary>KVM_CAP_REINJECT_CONTROL.</summary>
    ReinjectControl = 24,

    /// <summary>KVM_CAP_IRQ_ROUTING.</summary>
    IrqRouting = 25,

    /// <summary>KVM_CAP_IRQ_INJECT_STATUS.</summary>
    IrqInjectStatus = 26,

    /// <summary>KVM_CAP_ASSIGN_DEV_IRQ.</summary>
    AssignDevIrq = 29,

    /// <summary>KVM_CAP_JOIN_MEMORY_REGIONS_WORKS.</summary>
    JoinMemoryRegionsWorks = 30,

    /// <summary>KVM_CAP_MCE.</summary>
    Mce = 31,

    /// <summary>KVM_CAP_IRQFD.</summary>
    IrqFd = 32,

    /// <summary>KVM_CAP_PIT2.</summary>
    Pit2 = 33,

    /// <summary>KVM_CAP_SET_BOOT_CPU_ID.</summary>
    SetBootCpuId = 34,

    /// <summary>KVM_CAP_PIT_STATE2.</summary>
    PitState2 = 35,

    /// <summary>KVM_CAP_IOEVENTFD.</summary>
    IoEventFd = 36,

    /// <summary>KVM_CAP_SET_IDENTITY_MAP_ADDR.</summary>
    SetIdentityMapAddr = 37,

    /// <summary>KVM_CAP_XEN_HVM.</summary>
    XenHvm = 38,

    /// <summary>KVM_CAP_ADJUST_CLOCK.</summary>
    AdjustClock = 39,

    /// <summary>KVM_CAP_INTERNAL_ERROR_DATA.</summary>
    InternalErrorData = 40,

    /// <summary>KVM_CAP_VCPU_EVENTS.</summary>
    VcpuEvents = 41,

    /// <summary>KVM_CAP_HYPERV.</summary>
    Hyperv = 44,

    /// <summary>KVM_CAP_HYPERV_VAPIC.</summary>
    HypervVapic = 45,

    /// <summary>KVM_CAP_HYPERV_SPIN.</summary>
    HypervSpin = 46,

    /// <summary>KVM_CAP_PCI_SEGMENT.</summary>
    PciSegment = 47,

    /// <summary>KVM_CAP_INTR_SHADOW.</summary>
    IntrShadow = 49,

    /// <summary>KVM_CAP_DEBUGREGS.</summary>
    Debugregs = 50,

    /// <summary>KVM_CAP_X86_ROBUST_SINGLESTEP.</summary>
    X86RobustSinglestep = 51,

    /// <summary>KVM_CAP_ENABLE_CAP.</summary>
    EnableCap = 54,

    /// <summary>KVM_CAP_XSAVE.</summary>
    Xsave = 55,

    /// <summary>KVM_CAP_XCRS.</summary>
    Xcrs = 56,

    /// <summary>KVM_CAP_ASYNC_PF.</summary>
    AsyncPf = 59,

    /// <summary>KVM_CAP_TSC_CONTROL.</summary>
    TscControl = 60,

    /// <summary>KVM_CAP_GET_TSC_KHZ.</summary>
    GetTscKhz = 61,

    /// <summary>KVM_CAP_MAX_VCPUS.</summary>
    MaxVcpus = 66,

    /// <summary>KVM_CAP_ONE_REG.</summary>
    OneReg = 70,

    /// <summary>KVM_CAP_TSC_DEADLINE_TIMER.</summary>
    TscDeadlineTimer = 72,

    /// <summary>KVM_CAP_SYNC_REGS.</summary>
    SyncRegs = 74,

    /// <summary>KVM_CAP_PCI_2_3.</summary>
    Pci23 = 75,

    /// <summary>KVM_CAP_KVMCLOCK_CTRL.</summary>
    KvmclockCtrl = 76,

    /// <summary>KVM_CAP_SIGNAL_MSI.</summary>
    SignalMsi = 77,

    /// <summary>KVM_CAP_READONLY_MEM.</summary>
    ReadonlyMem = 81,

    /// <summary>KVM_CAP_IRQFD_RESAMPLE.</summary>
    IrqFdResample = 82,

    /// <summary>KVM_CAP_DEVICE_CTRL.</summary>
    DeviceCtrl = 89,

    /// <summary>KVM_CAP_EXT_EMUL_CPUID.</summary>
    ExtEmulCpuid = 95,

    /// <summary>KVM_CAP_HYPERV_TIME.</summary>
    HypervTime = 96,

    /// <summary>KVM_CAP_IOAPIC_POLARITY_IGNORED.</summary>
    IoapicPolarityIgnored = 97,

    /// <summary>KVM_CAP_ENABLE_CAP_VM.</summary>
    EnableCapVm = 98,

    /// <summary>KVM_CAP_IOEVENTFD_NO_LENGTH.</summary>
    IoEventFdNoLength = 100,

    /// <summary>KVM_CAP_VM_ATTRIBUTES.</summary>
    VmAttributes = 101,

    /// <summary>KVM_CAP_CHECK_EXTENSION_VM.</summary>
    CheckExtensionVm = 105,

    /// <summary>KVM_CAP_DISABLE_QUIRKS.</summary>
    DisableQuirks = 116,

    /// <summary>KVM_CAP_X86_SMM.</summary>
    X86Smm = 117,

    /// <summary>KVM_CAP_MULTI_ADDRESS_SPACE.</summary>
    MultiAddressSpace = 118,

    /// <summary>KVM_CAP_GUEST_DEBUG_HW_BPS.</summary>
    GuestDebugHwBps = 119,

    /// <summary>KVM_CAP_GUEST_DEBUG_HW_WPS.</summary>
    GuestDebugHwWps = 120,

    /// <summary>KVM_CAP_SPLIT_IRQCHIP.</summary>
    SplitIrqChip = 121,

    /// <summary>KVM_CAP_IOEVENTFD_ANY_LENGTH.</summary>
    IoEventFdAnyLength = 122,

    /// <summary>KVM_CAP_HYPERV_SYNIC.</summary>
    HypervSynic = 123,

    /// <summary>KVM_CAP_VCPU_ATTRIBUTES.</summary>
    VcpuAttributes = 127,

    /// <summary>KVM_CAP_MAX_VCPU_ID.</summary>
    MaxVcpuId = 128,

    /// <summary>KVM_CAP_X2APIC_API.</summary>
    X2apicApi = 129,

    /// <summary>KVM_CAP_MSI_DEVID.</summary>
    MsiDevid = 131,

    /// <summary>KVM_CAP_IMMEDIATE_EXIT.</summary>
    ImmediateExit = 136,

    /// <summary>KVM_CAP_X86_DISABLE_EXITS.</summary>
    X86DisableExits = 143,

    /// <summary>KVM_CAP_HYPERV_SYNIC2.</summary>
    HypervSynic2 = 148,

    /// <summary>KVM_CAP_HYPERV_VP_INDEX.</summary>
    HypervVpIndex = 149,

    /// <summary>KVM_CAP_GET_MSR_FEATURES.</summary>
    GetMsrFeatures = 153,

    /// <summary>KVM_CAP_HYPERV_EVENTFD.</summary>
    HypervEventfd = 154,

    /// <summary>KVM_CAP_HYPERV_TLBFLUSH.</summary>
    HypervTlbflush = 155,

    /// <summary>KVM_CAP_NESTED_STATE.</summary>
    NestedState = 157,

    /// <summary>KVM_CAP_MSR_PLATFORM_INFO.</summary>
    MsrPlatformInfo = 159,

    /// <summary>KVM_CAP_HYPERV_SEND_IPI.</summary>
    HypervSendIpi = 161,

    /// <summary>KVM_CAP_COALESCED_PIO.</summary>
    CoalescedPio = 162,

    /// <summary>KVM_CAP_HYPERV_ENLIGHTENED_VMCS.</summary>
    HypervEnlightenedVmcs = 163,

    /// <summary>KVM_CAP_EXCEPTION_PAYLOAD.</summary>
    ExceptionPayload = 164,

    /// <summary>KVM_CAP_MANUAL_DIRTY_LOG_PROTECT.</summary>
    ManualDirtyLogProtect = 166,

    /// <summary>KVM_CAP_HYPERV_CPUID.</summary>
    HypervCpuid = 167,

    /// <summary>KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2.</summary>
    ManualDirtyLogProtect2 = 168,

    /// <summary>KVM_CAP_PMU_EVENT_FILTER.</summary>
    PmuEventFilter = 173,

    /// <summary>KVM_CAP_HYPERV_DIRECT_TLBFLUSH.</summary>
    HypervDirectTlbflush = 175,

    /// <summary>KVM_CAP_HALT_POLL.</summary>
    HaltPoll = 182,

    /// <summary>KVM_CAP_ASYNC_PF_INT.</summary>
    AsyncPfInt = 183,

    /// <summary>KVM_CAP_LAST_CPU.</summary>
    LastCpu = 184,

    /// <summary>KVM_CAP_SMALLER_MAXPHYADDR.</summary>
    SmallerMaxphyaddr = 185,

    /// <summary>KVM_CAP_STEAL_TIME.</summary>
    StealTime = 187,

    /// <summary>KVM_CAP_X86_USER_SPACE_MSR.</summary>
    X86UserSpaceMsr = 188,

    /// <summary>KVM_CAP_X86_MSR_FILTER.</summary>
    X86MsrFilter = 189,

    /// <summary>KVM_CAP_ENFORCE_PV_FEATURE_CPUID.</summary>
    EnforcePvFeatureCpuid = 190,

    /// <summary>KVM_CAP_SYS_HYPERV_CPUID.</summary>
    SysHypervCpuid = 191,

    /// <summary>KVM_CAP_DIRTY_LOG_RING.</summary>
    DirtyLogRing = 192,

    /// <summary>KVM_CAP_X86_BUS_LOCK_EXIT.</summary>
    X86BusLockExit = 193,

    /// <summary>KVM_CAP_SET_GUEST_DEBUG2.</summary>
    SetGuestDebug2 = 195,

    /// <summary>KVM_CAP_SGX_ATTRIBUTE.</summary>
    SgxAttribute = 196,

    /// <summary>KVM_CAP_PTP_KVM.</summary>
    PtpKvm = 198,

    /// <summary>KVM_CAP_HYPERV_ENFORCE_CPUID.</summary>
    HypervEnforceCpuid = 199,

    /// <summary>KVM_CAP_SREGS2.</summary>
    Sregs2 = 200,

    /// <summary>KVM_CAP_EXIT_HYPERCALL.</summary>
    ExitHypercall = 201,

    /// <summary>KVM_CAP_BINARY_STATS_FD.</summary>
    BinaryStatsFd = 203,

    /// <summary>KVM_CAP_EXIT_ON_EMULATION_FAILURE.</summary>
    ExitOnEmulationFailure = 204,

    /// <summary>KVM_CAP_VM_GPA_BITS.</summary>
    VmGpaBits = 207,

    /// <summary>KVM_CAP_XSAVE2.</summary>
    Xsave2 = 208,

    /// <summary>KVM_CAP_SYS_ATTRIBUTES.</summary>
    SysAttributes = 209,

    /// <summary>KVM_CAP_PMU_CAPABILITY.</summary>
    PmuCapability = 212,

    /// <summary>KVM_CAP_DISABLE_QUIRKS2.</summary>
    DisableQuirks2 = 213,

    /// <summary>KVM_CAP_VM_TSC_CONTROL.</summary>
    VmTscControl = 214,

    /// <summary>KVM_CAP_SYSTEM_EVENT_DATA.</summary>
    SystemEventData = 215,

    /// <summary>KVM_CAP_X86_TRIPLE_FAULT_EVENT.</summary>
    X86TripleFaultEvent = 218,

    /// <summary>KVM_CAP_X86_NOTIFY_VMEXIT.</summary>
    X86NotifyVmexit = 219,

    /// <summary>KVM_CAP_VM_DISABLE_NX_HUGE_PAGES.</summary>
    VmDisableNxHugePages = 220,

    /// <summary>KVM_CAP_DIRTY_LOG_RING_ACQ_REL.</summary>
    DirtyLogRingAcqRel = 223,
}
