using System.Text;
using Vmm.Devices;
using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// One OS thread running one vCPU: <c>KVM_RUN</c>, dispatch the exit to the PIO or MMIO bus (the
/// device answers in the run page), run again. No allocation and no lock on that path. Exits that end
/// the VM (shutdown, system events, faults) report to the <see cref="VmLifecycle"/>.
/// </summary>
internal sealed class VcpuThread
{
    private readonly int _index;
    private readonly Vcpu _vcpu;
    private readonly PioBus _pio;
    private readonly MmioBus _mmio;
    private readonly EmulationFallback _fallback;
    private readonly VmLifecycle _lifecycle;
    private readonly VcpuExitCounters _counters;
    private readonly Thread _thread;

    public VcpuThread(int index, Vcpu vcpu, PioBus pio, MmioBus mmio, EmulationFallback fallback, VmLifecycle lifecycle, ExitCounters counters)
    {
        _index = index;
        _vcpu = vcpu;
        _pio = pio;
        _mmio = mmio;
        _fallback = fallback;
        _lifecycle = lifecycle;
        _counters = counters.AddVcpu();
        _thread = new Thread(Loop) { Name = $"vcpu{index}", IsBackground = true };
    }

    /// <summary>When set, each kick records the guest RIP (a sampling profile of the guest; VMM_PROFILE_GUEST).</summary>
    public GuestRipSamples? RipSamples { get; set; }

    public void Start() => _thread.Start();

    public void Kick() => _vcpu.Kick();

    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Loop()
    {
        try
        {
            while (!_lifecycle.IsStopping)
            {
                var exit = _vcpu.Run();
                _counters.Count(exit.Reason);
                switch (exit.Reason)
                {
                    case VcpuExitReason.Io:
                        HandleIo(exit);
                        break;
                    case VcpuExitReason.Mmio:
                        HandleMmio(exit);
                        break;
                    case VcpuExitReason.Interrupted:
                        RipSamples?.Record(_vcpu.GetRegisters().Rip);
                        break;
                    case VcpuExitReason.IoapicEoi:
                    case VcpuExitReason.IrqWindowOpen:
                        break;
                    case VcpuExitReason.Hlt:
                        _lifecycle.RequestStop(ExitCode.GuestPowerOff, $"vcpu{_index} halted with interrupts off");
                        break;
                    case VcpuExitReason.Shutdown:
                        _lifecycle.RequestStop(ExitCode.GuestTripleFault, $"vcpu{_index}: guest triple fault (KVM shutdown exit)");
                        break;
                    case VcpuExitReason.SystemEvent:
                        HandleSystemEvent(exit.SystemEventType);
                        break;
                    case VcpuExitReason.InternalError:
                        HandleInternalError(exit);
                        break;
                    case VcpuExitReason.FailEntry:
                        _lifecycle.RequestStop(ExitCode.GuestFault, $"vcpu{_index}: KVM entry failed, hardware reason 0x{exit.FailEntryReason:x}\n{DumpState()}");
                        break;
                    default:
                        _lifecycle.RequestStop(ExitCode.GuestFault, $"vcpu{_index}: unexpected exit {exit.Reason} (reason {exit.RawReason})\n{DumpState()}");
                        break;
                }
            }
        }
        catch (Exception e)
        {
            _lifecycle.RequestStop(ExitCode.VmmError, $"vcpu{_index}: {e.Message}");
        }
    }

    private void HandleIo(in VcpuExit exit)
    {
        ushort port = exit.IoPort;
        int size = exit.IoSize;
        var data = exit.IoData;
        for (int i = 0; i < exit.IoCount; i++)
        {
            var item = data.Slice(i * size, size);
            var result = exit.IoDirection == IoDirection.Out ? _pio.Write(port, item) : _pio.Read(port, item);
            if (result != BusAccessResult.Handled)
            {
                _counters.CountUnhandledPio();
                if (exit.IoDirection == IoDirection.In)
                {
                    item.Fill(0xFF);
                }
            }
        }
    }

    private void HandleMmio(in VcpuExit exit)
    {
        var data = exit.MmioData;
        var result = exit.MmioIsWrite ? _mmio.Write(exit.MmioAddress, data) : _mmio.Read(exit.MmioAddress, data);
        if (result != BusAccessResult.Handled)
        {
            _counters.CountUnhandledMmio();
            if (!exit.MmioIsWrite)
            {
                data.Fill(0xFF);
            }
        }
    }

    private void HandleSystemEvent(SystemEventType type)
    {
        switch (type)
        {
            case SystemEventType.Shutdown:
                _lifecycle.RequestStop(ExitCode.GuestPowerOff, "guest powered off (system event)");
                break;
            case SystemEventType.Reset:
                _lifecycle.RequestStop(ExitCode.GuestReboot, "guest requested a reset (system event)");
                break;
            case SystemEventType.Crash:
                _lifecycle.RequestStop(ExitCode.GuestPanic, "guest crashed (system event)");
                break;
            default:
                _lifecycle.RequestStop(ExitCode.GuestFault, $"vcpu{_index}: system event {type}");
                break;
        }
    }

    private void HandleInternalError(in VcpuExit exit)
    {
        if (exit.InternalErrorSuberror == VcpuExit.EmulationSuberror && exit.HasInstructionBytes)
        {
            var result = _fallback.Handle(_vcpu, exit.InstructionBytes);
            if (result.Status == EmulationStatus.Emulated)
            {
                return;
            }

            _lifecycle.RequestStop(
                ExitCode.GuestFault,
                $"vcpu{_index}: the host cannot emulate '{result.Instruction}' (bytes {Convert.ToHexString(exit.InstructionBytes)})\n{DumpState()}");
            return;
        }

        _lifecycle.RequestStop(ExitCode.GuestFault, $"vcpu{_index}: KVM internal error, suberror {exit.InternalErrorSuberror}\n{DumpState()}");
    }

    private string DumpState()
    {
        try
        {
            var r = _vcpu.GetRegisters();
            var s = _vcpu.GetSpecialRegisters();
            var b = new StringBuilder();
            b.Append($"  rip={r.Rip:x16} rsp={r.Rsp:x16} rflags={r.Rflags:x8}\n");
            b.Append($"  rax={r.Rax:x16} rbx={r.Rbx:x16} rcx={r.Rcx:x16} rdx={r.Rdx:x16}\n");
            b.Append($"  rsi={r.Rsi:x16} rdi={r.Rdi:x16} rbp={r.Rbp:x16} r8={r.R8:x16}\n");
            b.Append($"  r9={r.R9:x16} r10={r.R10:x16} r11={r.R11:x16} r12={r.R12:x16}\n");
            b.Append($"  r13={r.R13:x16} r14={r.R14:x16} r15={r.R15:x16}\n");
            b.Append($"  cr0={s.Cr0:x} cr2={s.Cr2:x} cr3={s.Cr3:x} cr4={s.Cr4:x} efer={s.Efer:x} cs={s.Cs.Selector:x} cpl={s.Cs.Dpl}");
            return b.ToString();
        }
        catch (KvmException e)
        {
            return $"  (registers unavailable: {e.Message})";
        }
    }
}
