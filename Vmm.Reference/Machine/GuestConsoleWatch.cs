using Vmm.Devices.Serial;
using Vmm.Reference.Host;

namespace Vmm.Reference.Machine;

/// <summary>
/// Turns what the guest prints into stop decisions, for the cases no device reports: a kernel without ACPI halts after
/// "reboot: System halted" (an in-kernel irqchip never reports that <c>hlt</c>), and a panicking kernel normally
/// reboots at once (<c>panic=-1</c>) but may hang. A reset or triple fault right after a panic message is the panic's.
/// </summary>
internal sealed class GuestConsoleWatch
{
    /// <summary>How long a halted guest may keep printing before the VM is stopped.</summary>
    public static readonly TimeSpan HaltGrace = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a panicking guest has to reboot by itself before the VM is stopped.</summary>
    public static readonly TimeSpan PanicGrace = TimeSpan.FromSeconds(2);

    private readonly ConsoleBridge _console;
    private readonly VmLifecycle _lifecycle;
    private readonly Uart16550? _uart;

    public GuestConsoleWatch(ConsoleBridge console, VmLifecycle lifecycle, Uart16550? uart)
    {
        _console = console;
        _lifecycle = lifecycle;
        _uart = uart;
    }

    public void Start()
    {
        _console.PanicDetected += () => StopAfter(PanicGrace, ExitCode.GuestPanic, "guest kernel panic");
        _console.HaltDetected += message => StopAfter(HaltGrace, ExitCode.GuestPowerOff, $"guest powered off (console: '{message}')");
        _lifecycle.Classify = Classify;
    }

    private ExitCode Classify(ExitCode code)
    {
        if (code is ExitCode.GuestReboot or ExitCode.GuestTripleFault && _uart is not null)
        {
            // The panic message may still be in flight between the UART and the console bridge.
            _console.WaitForOutput(_uart.TransmittedBytes - _uart.DroppedOutputBytes, TimeSpan.FromSeconds(1));
            return _console.PanicSeen ? ExitCode.GuestPanic : code;
        }

        return code;
    }

    private void StopAfter(TimeSpan delay, ExitCode code, string reason) =>
        _ = Task.Delay(delay).ContinueWith(_ => _lifecycle.RequestStop(code, reason), TaskScheduler.Default);
}
