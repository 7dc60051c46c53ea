using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>
/// A virtual CPU: the shared run page (mapped once), <see cref="Run"/> with allocation-free exits, register state and
/// <see cref="Kick"/>. Call <see cref="Run"/> from one thread; every other member may be called from any thread while the vCPU
/// is not running, and <see cref="Kick"/> at any time.
/// </summary>
public sealed unsafe class Vcpu : IDisposable
{
    private static readonly ulong NamedExitReasons = NamedExitReasonMask();
    private readonly VirtualMachine _vm;
    private readonly int _mmapSize;
    private readonly int _fd;
    private byte* _run;
    private nuint _runningThread;
    private bool _vmRefAdded;

    internal Vcpu(VirtualMachine vm, uint id, FileDescriptorHandle handle)
    {
        _vm = vm;
        Id = id;
        Handle = handle;
        _fd = handle.Fd;
        _mmapSize = vm.VcpuMmapSize;
        var p = Libc.Mmap(0, (nuint)_mmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, _fd, 0);
        if (p == -1)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new KvmException("mmap(kvm_run)", errno);
        }

        _run = (byte*)p;
        vm.Handle.DangerousAddRef(ref _vmRefAdded); // the VM descriptor outlives its vCPUs.
        handle.DangerousAddRef(ref _selfRefAdded);
    }

    private bool _selfRefAdded;

    /// <summary>The vCPU id.</summary>
    public uint Id { get; }

    /// <summary>The vCPU descriptor.</summary>
    public FileDescriptorHandle Handle { get; }

    /// <summary>The VM this vCPU belongs to.</summary>
    public VirtualMachine VirtualMachine => _vm;

    /// <summary>The real-time signal number used by <see cref="Kick"/> (SIGRTMIN+8).</summary>
    public static int KickSignalNumber => KickSignal.Number;

    /// <summary>Run page: the request_interrupt_window flag (ask for an <see cref="VcpuExitReason.IrqWindowOpen"/> exit).</summary>
    public bool RequestInterruptWindow
    {
        get => RunPage->RequestInterruptWindow != 0;
        set => RunPage->RequestInterruptWindow = value ? (byte)1 : (byte)0;
    }

    /// <summary>Run page: the guest can take an interrupt injected with <see cref="InjectInterrupt"/> now.</summary>
    public bool ReadyForInterruptInjection => RunPage->ReadyForInterruptInjection != 0;

    /// <summary>Run page: the guest's RFLAGS.IF at the last exit.</summary>
    public bool InterruptFlag => RunPage->IfFlag != 0;

    /// <summary>Run page: the immediate_exit flag; set by <see cref="Kick"/> and cleared when <see cref="Run"/> reports the interruption.</summary>
    public bool ImmediateExit
    {
        get => Volatile.Read(ref RunPage->ImmediateExit) != 0;
        set => Volatile.Write(ref RunPage->ImmediateExit, value ? (byte)1 : (byte)0);
    }

    private KvmRun* RunPage => _run != null ? (KvmRun*)_run : throw new ObjectDisposedException(nameof(Vcpu));

    /// <summary>
    /// KVM_RUN: runs the guest until the next exit that needs userspace. Does not allocate. A kick or any signal ends it with
    /// <see cref="VcpuExitReason.Interrupted"/>.
    /// </summary>
    /// <returns>The decoded exit; its spans are valid until the next call.</returns>
    /// <exception cref="KvmException">KVM_RUN failed with an errno other than EINTR.</exception>
    public VcpuExit Run()
    {
        var run = _run;
        ObjectDisposedException.ThrowIf(run == null, this);
        Volatile.Write(ref _runningThread, Libc.PthreadSelf());
        var rc = Libc.Ioctl(_fd, KvmIoctls.Run, 0);
        var errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        Volatile.Write(ref _runningThread, 0);
        if (rc < 0)
        {
            if (errno == Libc.EINTR)
            {
                Volatile.Write(ref ((KvmRun*)run)->ImmediateExit, (byte)0);
                return new VcpuExit(run, VcpuExitReason.Interrupted);
            }

            if (errno == Libc.EAGAIN)
            {
                // An application processor waiting for INIT/SIPI (in-kernel LAPIC) returns EAGAIN once its MP state changed:
                // nothing to handle, run again. A pending kick stays pending (immediate_exit is left as it is).
                return new VcpuExit(run, VcpuExitReason.Interrupted);
            }

            throw new KvmException("KVM_RUN", errno);
        }

        return new VcpuExit(run, Decode(((KvmRun*)run)->ExitReason));
    }

    /// <summary>
    /// Makes a running (or about to run) <see cref="Run"/> return <see cref="VcpuExitReason.Interrupted"/> promptly: sets
    /// immediate_exit and sends the kick signal to the thread inside <see cref="Run"/>. Safe from any thread.
    /// </summary>
    public void Kick()
    {
        var run = _run;
        if (run == null)
        {
            return;
        }

        var sig = KickSignal.Number;
        Volatile.Write(ref ((KvmRun*)run)->ImmediateExit, (byte)1);
        var thread = Volatile.Read(ref _runningThread);
        if (thread != 0)
        {
            _ = Libc.PthreadKill(thread, sig);
        }
    }

    /// <summary>KVM_GET_REGS.</summary>
    /// <returns>The general-purpose registers.</returns>
    public Registers GetRegisters() => Sys.Get<Registers>(Handle, KvmIoctls.GetRegs, "KVM_GET_REGS");

    /// <summary>KVM_SET_REGS.</summary>
    /// <param name="registers">The registers.</param>
    public void SetRegisters(in Registers registers) => Sys.Set(Handle, KvmIoctls.SetRegs, registers, "KVM_SET_REGS");

    /// <summary>KVM_GET_SREGS.</summary>
    /// <returns>Segment, control and descriptor-table registers.</returns>
    public SpecialRegisters GetSpecialRegisters() => Sys.Get<SpecialRegisters>(Handle, KvmIoctls.GetSregs, "KVM_GET_SREGS");

    /// <summary>KVM_SET_SREGS.</summary>
    /// <param name="registers">The registers.</param>
    public void SetSpecialRegisters(in SpecialRegisters registers) => Sys.Set(Handle, KvmIoctls.SetSregs, registers, "KVM_SET_SREGS");

    /// <summary>KVM_GET_FPU.</summary>
    /// <returns>x87/SSE state.</returns>
    public FpuState GetFpu() => Sys.Get<FpuState>(Handle, KvmIoctls.GetFpu, "KVM_GET_FPU");

    /// <summary>KVM_SET_FPU.</summary>
    /// <param name="fpu">x87/SSE state.</param>
    public void SetFpu(in FpuState fpu) => Sys.Set(Handle, KvmIoctls.SetFpu, fpu, "KVM_SET_FPU");

    /// <summary>KVM_GET_LAPIC (needs an in-kernel irqchip).</summary>
    /// <returns>The local APIC page.</returns>
    public LapicState GetLapic() => Sys.Get<LapicState>(Handle, KvmIoctls.GetLapic, "KVM_GET_LAPIC");

    /// <summary>KVM_SET_LAPIC.</summary>
    /// <param name="lapic">The local APIC page.</param>
    public void SetLapic(in LapicState lapic) => Sys.Set(Handle, KvmIoctls.SetLapic, lapic, "KVM_SET_LAPIC");

    /// <summary>KVM_GET_MSRS: fills the values of the entries' indices.</summary>
    /// <param name="msrs">Indices in, values out.</param>
    /// <returns>The number of MSRs read (stops at the first that fails).</returns>
    public int GetMsrs(MsrEntries msrs) => Sys.Ioctl(Handle, KvmIoctls.GetMsrs, msrs.Buffer, "KVM_GET_MSRS");

    /// <summary>KVM_SET_MSRS.</summary>
    /// <param name="msrs">Indices and values.</param>
    /// <returns>The number of MSRs written (stops at the first that fails).</returns>
    public int SetMsrs(MsrEntries msrs) => Sys.Ioctl(Handle, KvmIoctls.SetMsrs, msrs.Buffer, "KVM_SET_MSRS");

    /// <summary>KVM_SET_CPUID2.</summary>
    /// <param name="cpuid">The leaves the guest sees (on a PVM host, CPUID at CPL0 is not filtered by this).</param>
    public void SetCpuid(CpuidEntries cpuid) => Sys.Ioctl(Handle, KvmIoctls.SetCpuid2, cpuid.Buffer, "KVM_SET_CPUID2");

    /// <summary>KVM_GET_CPUID2.</summary>
    /// <returns>The leaves set on this vCPU.</returns>
    public CpuidEntries GetCpuid()
    {
        var entries = new CpuidEntries(CpuidEntries.MaxEntries);
        entries.SetCountForKernel(CpuidEntries.MaxEntries);
        try
        {
            Sys.Ioctl(Handle, KvmIoctls.GetCpuid2, entries.Buffer, "KVM_GET_CPUID2");
        }
        catch
        {
            entries.Dispose();
            throw;
        }

        return entries;
    }

    /// <summary>KVM_GET_MP_STATE.</summary>
    /// <returns>The state.</returns>
    public MpState GetMpState()
    {
        uint s;
        Sys.Ioctl(Handle, KvmIoctls.GetMpState, &s, "KVM_GET_MP_STATE");
        return (MpState)s;
    }

    /// <summary>KVM_SET_MP_STATE.</summary>
    /// <param name="state">The state.</param>
    public void SetMpState(MpState state)
    {
        var s = (uint)state;
        Sys.Ioctl(Handle, KvmIoctls.SetMpState, &s, "KVM_SET_MP_STATE");
    }

    /// <summary>KVM_GET_XSAVE.</summary>
    /// <returns>The 4 KiB XSAVE image.</returns>
    public XsaveState GetXsave() => Sys.Get<XsaveState>(Handle, KvmIoctls.GetXsave, "KVM_GET_XSAVE");

    /// <summary>KVM_SET_XSAVE.</summary>
    /// <param name="xsave">The image.</param>
    public void SetXsave(in XsaveState xsave) => Sys.Set(Handle, KvmIoctls.SetXsave, xsave, "KVM_SET_XSAVE");

    /// <summary>KVM_GET_XCRS.</summary>
    /// <returns>The extended control registers.</returns>
    public ExtendedControlRegisters GetXcrs() => Sys.Get<ExtendedControlRegisters>(Handle, KvmIoctls.GetXcrs, "KVM_GET_XCRS");

    /// <summary>KVM_SET_XCRS.</summary>
    /// <param name="xcrs">The registers.</param>
    public void SetXcrs(in ExtendedControlRegisters xcrs) => Sys.Set(Handle, KvmIoctls.SetXcrs, xcrs, "KVM_SET_XCRS");

    /// <summary>KVM_GET_DEBUGREGS.</summary>
    /// <returns>DR0–DR3, DR6, DR7.</returns>
    public DebugRegisters GetDebugRegisters() => Sys.Get<DebugRegisters>(Handle, KvmIoctls.GetDebugregs, "KVM_GET_DEBUGREGS");

    /// <summary>KVM_SET_DEBUGREGS.</summary>
    /// <param name="registers">The registers.</param>
    public void SetDebugRegisters(in DebugRegisters registers) => Sys.Set(Handle, KvmIoctls.SetDebugregs, registers, "KVM_SET_DEBUGREGS");

    /// <summary>KVM_GET_VCPU_EVENTS.</summary>
    /// <returns>Pending/injected exception, interrupt, NMI and SMI state.</returns>
    public VcpuEvents GetEvents() => Sys.Get<VcpuEvents>(Handle, KvmIoctls.GetVcpuEvents, "KVM_GET_VCPU_EVENTS");

    /// <summary>KVM_SET_VCPU_EVENTS (exception/interrupt/NMI injection).</summary>
    /// <param name="events">The state.</param>
    public void SetEvents(in VcpuEvents events) => Sys.Set(Handle, KvmIoctls.SetVcpuEvents, events, "KVM_SET_VCPU_EVENTS");

    /// <summary>Injects an exception on the next entry: reads the events, sets exception.injected and writes them back.</summary>
    /// <param name="vector">Exception vector (e.g. 3 for #BP).</param>
    /// <param name="errorCode">Error code, for vectors that push one.</param>
    public void InjectException(byte vector, uint? errorCode = null)
    {
        var events = GetEvents();
        events.ExceptionInjected = 1;
        events.ExceptionPending = 0;
        events.ExceptionNumber = vector;
        events.ExceptionHasErrorCode = errorCode.HasValue ? (byte)1 : (byte)0;
        events.ExceptionErrorCode = errorCode ?? 0;
        events.ExceptionHasPayload = 0;
        events.ExceptionPayload = 0;
        events.Flags = 0;
        SetEvents(events);
    }

    /// <summary>KVM_INTERRUPT: queues an external interrupt (only without an in-kernel irqchip).</summary>
    /// <param name="vector">Vector.</param>
    public void InjectInterrupt(uint vector) => Sys.Ioctl(Handle, KvmIoctls.Interrupt, &vector, "KVM_INTERRUPT");

    /// <summary>KVM_TRANSLATE: translates a guest-virtual address with the vCPU's current paging state.</summary>
    /// <param name="linearAddress">Guest-virtual address.</param>
    /// <returns>The translation.</returns>
    public Translation Translate(ulong linearAddress)
    {
        var t = new Translation { LinearAddress = linearAddress };
        Sys.Ioctl(Handle, KvmIoctls.Translate, &t, "KVM_TRANSLATE");
        return t;
    }

    /// <summary>KVM_GET_TSC_KHZ.</summary>
    /// <returns>The guest TSC frequency in kHz.</returns>
    public uint GetTscKhz() => (uint)Sys.IoctlValue(Handle, KvmIoctls.GetTscKhz, 0, "KVM_GET_TSC_KHZ");

    /// <summary>KVM_SET_TSC_KHZ.</summary>
    /// <param name="khz">The guest TSC frequency in kHz.</param>
    public void SetTscKhz(uint khz) => Sys.IoctlValue(Handle, KvmIoctls.SetTscKhz, (nint)khz, "KVM_SET_TSC_KHZ");

    /// <summary>KVM_ENABLE_CAP on the vCPU.</summary>
    /// <param name="capability">Capability.</param>
    /// <param name="arg0">args[0].</param>
    /// <param name="arg1">args[1].</param>
    public void EnableCapability(Capability capability, ulong arg0 = 0, ulong arg1 = 0)
    {
        var cap = new KvmEnableCap { Cap = (uint)capability, Arg0 = arg0, Arg1 = arg1 };
        Sys.Ioctl(Handle, KvmIoctls.EnableCap, &cap, "KVM_ENABLE_CAP");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var run = _run;
        if (run == null)
        {
            return;
        }

        _run = null;
        _ = Libc.Munmap((nint)run, (nuint)_mmapSize);
        if (_selfRefAdded)
        {
            Handle.DangerousRelease();
            _selfRefAdded = false;
        }

        Handle.Dispose();
        if (_vmRefAdded)
        {
            _vm.Handle.DangerousRelease();
            _vmRefAdded = false;
        }
    }

    /// <summary>The KVM_EXIT_* number as a <see cref="VcpuExitReason"/>: itself when the enum names it, else <see cref="VcpuExitReason.Unrecognized"/>.</summary>
    internal static VcpuExitReason Decode(uint raw) =>
        raw < 64 && ((NamedExitReasons >> (int)raw) & 1) != 0 ? (VcpuExitReason)raw : VcpuExitReason.Unrecognized;

    /// <summary>Bit n set when KVM_EXIT_* number n has a <see cref="VcpuExitReason"/> member: the enum's values are the one list of known numbers.</summary>
    private static ulong NamedExitReasonMask()
    {
        ulong mask = 0;
        foreach (var reason in Enum.GetValues<VcpuExitReason>())
        {
            if ((uint)reason < 64)
            {
                mask |= 1UL << (int)reason;
            }
        }

        return mask;
    }
}
