using System.Runtime.InteropServices;
using Vmm.Devices;
using Vmm.Devices.Serial;
using Vmm.Kvm;
using Vmm.Loader;
using Vmm.Memory;
using Vmm.Reference.Configuration;
using Vmm.Reference.Host;

namespace Vmm.Reference.Machine;

/// <summary>
/// One micro-VM composed from the Vmm.NET packages: guest memory (Vmm.Memory) registered with KVM
/// (Vmm.Kvm), the kernel, command line, boot parameters and tables written by Vmm.Loader, legacy
/// devices (Vmm.Devices) and virtio-mmio devices (Vmm.Virtio) on the buses, one thread per vCPU and
/// one event-loop thread for device I/O. The canonical example of putting the packages together.
/// </summary>
internal sealed partial class MicroVm : IDisposable
{
    private readonly VmConfig _config;
    private readonly List<IDisposable> _owned = [];
    private readonly List<Vcpu> _vcpus = [];
    private readonly List<VcpuThread> _threads = [];
    private readonly PioBus _pio = new();
    private readonly MmioBus _mmio = new();
    private readonly EmulationFallback _fallback = new();
    private readonly ExitCounters _counters = new();
    private readonly VmLifecycle _lifecycle = new();
    private readonly ConsoleBridge _console;
    private readonly EventLoop _eventLoop = new();
    private readonly Kvm.Kvm _kvm;
    private readonly VirtualMachine _vm;
    private GuestMemory _memory = null!;
    private IReadOnlyList<DiskImage> _disks = [];
    private Uart16550? _uart;
    private X86BootState _bootState = null!;

    private MicroVm(VmConfig config, Kvm.Kvm kvm, VirtualMachine vm)
    {
        _config = config;
        _kvm = kvm;
        _vm = vm;
        _console = new ConsoleBridge(config.Console == ConsoleMode.None ? Stream.Null : Console.OpenStandardOutput());
    }

    /// <summary>Whether the host is a PVM hypervisor (nested, no VT-x), where guest CPL0 code is emulated (detected once).</summary>
    public static bool IsPvmHost => PvmHost.IsPvm;

    /// <summary>Whether this VM applies the PVM host workarounds.</summary>
    private bool UsePvmWorkarounds => IsPvmHost && !_config.NoHostWorkarounds;

    public static MicroVm Create(VmConfig config, InputFiles inputs)
    {
        Kvm.Kvm kvm;
        try
        {
            kvm = Kvm.Kvm.Open(Environment.GetEnvironmentVariable("VMM_KVM_DEVICE") ?? "/dev/kvm");
        }
        catch (KvmException e)
        {
            throw new VmmException(ExitCode.KvmUnavailable, $"cannot use KVM: {e.Message}", e);
        }

        VirtualMachine vm;
        try
        {
            vm = kvm.CreateVm();
        }
        catch
        {
            kvm.Dispose();
            throw;
        }

        var machine = new MicroVm(config, kvm, vm);
        try
        {
            machine.Build(inputs);
            return machine;
        }
        catch
        {
            machine.Dispose();
            throw;
        }
    }

    private void Build(InputFiles inputs)
    {
        _disks = inputs.Disks;
        var phase = System.Diagnostics.Stopwatch.StartNew();
        // Memory slots first: registering a slot once the in-kernel irqchip exists costs ~3 ms on PVM hosts.
        CreateMemory();
        Trace(phase, "guest memory");
        _vm.SetTssAddress(MemoryLayout.KvmTssAddress);
        _vm.SetIdentityMapAddress(MemoryLayout.KvmIdentityMapAddress);
        _vm.CreateIrqChip();
        InterruptRouting.Apply(_vm);
        _vm.CreatePit2();
        Trace(phase, "kvm irqchip, pit");
        var kernel = LoadKernel(inputs);
        Trace(phase, "kernel");
        CreateLegacyDevices();
        CreateVirtioDevices(inputs);
        Trace(phase, "devices");
        var commandLine = BuildCommandLine(kernel);
        var rsdp = WriteFirmwareTables();
        Trace(phase, "command line, ACPI, MP table");
        try
        {
            var options = new LinuxBootOptions
            {
                CommandLine = commandLine,
                Initrd = inputs.Initrd,
                AcpiRsdp = rsdp,
            };
            _bootState = LinuxBoot.ConfigureLongMode(_memory, kernel, options);
            RngSeed.Write(_memory, BootLayout.ZeroPage);
            LogBootConfiguration(commandLine);
        }
        catch (Exception e) when (e is BootConfigurationException or GuestMemoryException)
        {
            throw new VmmException(ExitCode.InvalidMemorySize, $"{MiB(_config.MemoryBytes)} MiB of guest memory cannot hold the kernel and initrd: {e.Message}", e);
        }

        Trace(phase, "boot parameters");
        CreateVcpus();
        Trace(phase, "vcpus");
    }

    private static void Trace(System.Diagnostics.Stopwatch phase, string what)
    {
        Log.Debug("build", $"{what}: {phase.Elapsed.TotalMilliseconds:F2} ms");
        phase.Restart();
    }

    private void LogBootConfiguration(KernelCommandLine commandLine)
    {
        if (!Log.IsEnabled(LogLevel.Info))
        {
            return;
        }

        Log.Info("boot", $"command line: {commandLine}");
        foreach (var entry in E820MapBuilder.FromGuestMemory(_memory).Build().Entries)
        {
            string type = entry.Type switch
            {
                E820Type.Ram => "usable",
                E820Type.Reserved => "reserved",
                E820Type.Acpi => "ACPI data",
                E820Type.Nvs => "ACPI NVS",
                _ => "unusable",
            };
            Log.Info("boot", $"e820: [mem 0x{entry.Address:x16}-0x{entry.Address + entry.Size - 1:x16}] {type}");
        }
    }

    private void CreateMemory()
    {
        try
        {
            _memory = GuestMemory.Allocate(BootLayout.RamRanges(_config.MemoryBytes));
        }
        catch (IOException e)
        {
            throw new VmmException(ExitCode.InvalidMemorySize, $"cannot allocate {MiB(_config.MemoryBytes)} MiB of guest memory: {e.Message}", e);
        }

        _owned.Add(new RegionsOwner(_memory));
        for (int i = 0; i < _memory.Regions.Count; i++)
        {
            var region = _memory.Regions[i];
            _vm.SetUserMemoryRegion((uint)i, region.GuestBase.Value, region.Size, region.HostAddress);
        }
    }

    private LoadedKernel LoadKernel(InputFiles inputs)
    {
        try
        {
            var image = inputs.Kernel;
            if (BzImage.IsBzImage(image.Span))
            {
                var bz = BzImage.Parse(image);
                return _config.GuestDecompression ? bz.Load(_memory) : bz.LoadDecompressed(_memory);
            }

            return ElfKernel.Parse(image).Load(_memory);
        }
        catch (KernelFormatException e)
        {
            throw new VmmException(ExitCode.InvalidKernel, $"{_config.KernelPath} is not a kernel vmm can boot: {e.Message}", e);
        }
        catch (Exception e) when (e is GuestMemoryException or BootConfigurationException)
        {
            throw new VmmException(ExitCode.InvalidMemorySize, $"{MiB(_config.MemoryBytes)} MiB of guest memory cannot hold the kernel: {e.Message}", e);
        }
    }

    private KernelCommandLine BuildCommandLine(LoadedKernel kernel)
    {
        try
        {
            var commandLine = KernelCommandLine.ForKernel(kernel);
            foreach (var token in CommandLineTokens.Split(_config.EffectiveCommandLine))
            {
                if (token == "--")
                {
                    break;
                }

                commandLine.Add(token);
            }

            if (UsePvmWorkarounds)
            {
                foreach (var token in PvmWorkarounds.CommandLine)
                {
                    commandLine.Add(token);
                }
            }

            foreach (var device in _attached)
            {
                commandLine.Add(device.KernelParameter);
            }

            int dashes = _config.EffectiveCommandLine.IndexOf(" -- ", StringComparison.Ordinal);
            if (dashes >= 0)
            {
                commandLine.AddInitArguments([.. CommandLineTokens.Split(_config.EffectiveCommandLine[(dashes + 4)..])]);
            }

            return commandLine;
        }
        catch (KernelCommandLineException e)
        {
            throw new VmmException(ExitCode.InvalidCommandLine, $"invalid kernel command line: {e.Message}", e);
        }
    }

    private void CreateLegacyDevices()
    {
        var uart = new Uart16550(new KvmIrqLine(_vm, 4), _console.Output.Writer);
        _pio.Register(Uart16550.Com1BasePort, Uart16550.RegisterCount, uart);
        _uart = uart;
        CreatePlatformDevices();
    }

    private void CreateVcpus()
    {
        using var supported = _kvm.GetSupportedCpuid();
        for (int i = 0; i < _config.VcpuCount; i++)
        {
            var vcpu = _vm.CreateVcpu((uint)i);
            _vcpus.Add(vcpu);
            VcpuConfigurator.ConfigureCpuid(vcpu, supported, (uint)i, _config.VcpuCount, withoutHypercalls: UsePvmWorkarounds);
            VcpuConfigurator.ConfigureMsrs(vcpu);
            VcpuConfigurator.ConfigureLapic(vcpu);
            VcpuConfigurator.ConfigureFpu(vcpu);
            if (i == 0)
            {
                BootStateApplier.Apply(vcpu, _bootState);
            }

            _threads.Add(new VcpuThread(i, vcpu, _pio, _mmio, _fallback, _lifecycle, _counters));
        }
    }

    /// <summary>Runs the VM until it stops; returns the exit code of its outcome.</summary>
    public ExitCode Run()
    {
        if (UsePvmWorkarounds)
        {
            Log.Write(LogLevel.Warning, "host", "PVM hypervisor detected (/sys/module/kvm_pvm): guest kernel code is emulated (slow boot); added '" + string.Join(' ', PvmWorkarounds.CommandLine) + "' to the command line and enabled the emulation fallback");
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; _lifecycle.RequestStop(ExitCode.Interrupted, "SIGINT"); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; _lifecycle.RequestStop(ExitCode.Terminated, "SIGTERM"); });
        using var terminal = _config.Console != ConsoleMode.None ? Terminal.EnterRawMode() : null;

        new GuestConsoleWatch(_console, _lifecycle, _uart).Start();
        _console.Start(forwardStdin: _config.Console != ConsoleMode.None);
        StartConsoleInput();

        var eventThread = new Thread(RunEventLoop) { Name = "event-loop", IsBackground = true };
        _lifecycle.OnStop(() =>
        {
            foreach (var thread in _threads)
            {
                thread.Kick();
            }

            _eventLoop.Stop();
        });
        eventThread.Start();
        foreach (var thread in _threads)
        {
            thread.Start();
        }

        using var profiler = _config.GuestProfile is { } profile ? new GuestProfiler(profile, _threads[profile.Vcpu], _lifecycle) : null;
        _lifecycle.WaitForStop();
        foreach (var thread in _threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(2)))
            {
                thread.Kick();
                thread.Join(TimeSpan.FromSeconds(2));
            }
        }

        eventThread.Join(TimeSpan.FromSeconds(2));
        FlushDevices();
        _console.Drain(TimeSpan.FromSeconds(2));
        terminal?.Dispose();
        ReportCounters();
        return _lifecycle.ExitCode;
    }

    private void RunEventLoop()
    {
        try
        {
            _eventLoop.Run();
        }
        catch (Exception e)
        {
            _lifecycle.RequestStop(ExitCode.VmmError, $"event loop: {e.Message}");
        }
    }

    private void ReportCounters()
    {
        if (!Log.IsEnabled(LogLevel.Info))
        {
            return;
        }

        Log.Info("stats", "exits: " + string.Join(' ', _counters.Snapshot().Select(c => $"{c.Name}={c.Count}")));
        if (_fallback.TotalEmulated > 0)
        {
            Log.Info("stats", "emulated: " + string.Join(' ', _fallback.Counts.Select(c => $"{c.Key}={c.Value}")));
        }

        ReportDeviceCounters();
    }

    private static ulong MiB(ulong bytes) => bytes >> 20;

    public void Dispose()
    {
        foreach (var vcpu in _vcpus)
        {
            vcpu.Dispose();
        }

        _eventLoop.Dispose();
        _vm.Dispose();
        _kvm.Dispose();
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _console.Dispose();
    }

    private sealed class RegionsOwner(GuestMemory memory) : IDisposable
    {
        public void Dispose() => memory.DisposeRegions();
    }
}
