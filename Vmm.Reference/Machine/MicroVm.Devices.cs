using System.Globalization;
using Vmm.Devices;
using Vmm.Devices.BootProgress;
using Vmm.Devices.Legacy;
using Vmm.Kvm;
using Vmm.Loader;
using Vmm.Loader.Acpi;
using Vmm.Memory;
using Vmm.Reference.Configuration;
using Vmm.Virtio;
using Vmm.Virtio.Block;
using Vmm.Virtio.Console;
using Vmm.Virtio.Entropy;

namespace Vmm.Reference.Machine;

/// <summary>The device side of <see cref="MicroVm"/>: platform devices, virtio devices and firmware tables.</summary>
internal sealed partial class MicroVm
{
    private readonly List<VirtioMmioTransport> _virtio = [];
    private readonly List<(string Name, VirtioMmioTransport Transport)> _virtioNames = [];
    private VirtioConsole? _virtioConsole;

    private void CreatePlatformDevices()
    {
        var i8042 = new I8042Controller(new KvmIrqLine(_vm, 1), new KvmIrqLine(_vm, 12));
        i8042.ResetRequested += (_, _) => _lifecycle.RequestStop(ExitCode.GuestReboot, "guest requested a reset through the i8042 controller");
        _pio.Register(I8042Controller.DefaultBasePort, I8042Controller.PortCount, i8042);

        _pio.Register(CmosRtc.DefaultBasePort, CmosRtc.PortCount, new CmosRtc());

        var debugPort = new DebugPort();
        var bootTimer = new BootTimer();
        if (_config.BootTimer)
        {
            debugPort.Written += (_, mark) => Log.Always("debug-port", $"0x{mark.Value:x2} after {mark.Elapsed.TotalMilliseconds:F1} ms");
            bootTimer.InitReached += (_, elapsed) => Log.Always("boot-timer", $"guest init reached after {elapsed.TotalMilliseconds:F1} ms (vmm started {Log.Elapsed.TotalMilliseconds - elapsed.TotalMilliseconds:F1} ms before the VM)");
        }

        _pio.Register(DebugPort.DefaultPort, 1, debugPort);
        _mmio.Register(MemoryLayout.BootTimerAddress, 0x1000, bootTimer);
    }

    private List<string> CreateVirtioDevices(InputFiles inputs)
    {
        var parameters = new List<string>();
        for (int i = 0; i < inputs.Disks.Count; i++)
        {
            var disk = inputs.Disks[i];
            var block = new VirtioBlock(disk.Handle, new VirtioBlockOptions
            {
                ReadOnly = disk.Config.ReadOnly,
                Serial = $"vmm-disk{i}",
            });
            AddVirtio($"blk{i}", block, parameters);
        }

        if (_config.Rng)
        {
            AddVirtio("rng", new VirtioRng(), parameters);
        }

        if (_config.Console == ConsoleMode.Virtio)
        {
            _virtioConsole = new VirtioConsole(_console.VirtioOutput.Writer, _console.Input.Reader);
            AddVirtio("console", _virtioConsole, parameters);
        }

        return parameters;
    }

    private void AddVirtio(string name, VirtioDevice device, List<string> parameters)
    {
        int index = _virtio.Count;
        uint irq = MemoryLayout.VirtioIrq(index);
        if (irq > MemoryLayout.LastIrq)
        {
            throw new VmmException(ExitCode.Usage, $"too many virtio devices: at most {MemoryLayout.LastIrq - MemoryLayout.VirtioFirstIrq + 1}");
        }

        var address = MemoryLayout.VirtioMmioAddress(index);
        var line = new IrqFdLine(_vm, irq);
        _owned.Add(line);
        var transport = new VirtioMmioTransport(device, _memory, line);
        _mmio.Register(address.Value, MemoryLayout.VirtioMmioSize, transport);

        // Queue notifications: KVM signals an eventfd per queue (no exit to the vCPU thread); the event loop processes the queue.
        for (int queue = 0; queue < device.QueueCount; queue++)
        {
            var eventFd = new EventFd();
            _owned.Add(eventFd);
            _vm.RegisterIoEventFd(eventFd, IoEventSpace.Mmio, address.Value + VirtioMmioRegister.QueueNotify, 4, (ulong)queue);
            int q = queue;
            _eventLoop.Add(eventFd.Handle, EventKinds.Readable, events =>
            {
                if (eventFd.TryRead(out _))
                {
                    transport.NotifyQueue(q);
                }
            });
        }

        _virtio.Add(transport);
        _virtioNames.Add((name, transport));
        parameters.Add(string.Create(CultureInfo.InvariantCulture, $"virtio_mmio.device=4K@0x{address.Value:x}:{irq}"));
    }

    /// <summary>
    /// Describes the machine to the guest: a full MP table (for kernels without ACPI) and, unless disabled, ACPI
    /// tables. Returns the RSDP address for the zero page.
    /// </summary>
    private GuestAddress? WriteFirmwareTables()
    {
        MpTable.Write(_memory, _config.VcpuCount);
        var acpi = new AcpiConfiguration
        {
            VcpuCount = _config.VcpuCount,
            VirtioDevices = [.. _virtio.Select((_, i) => new AcpiVirtioMmioDevice(MemoryLayout.VirtioMmioAddress(i).Value, MemoryLayout.VirtioMmioSize, MemoryLayout.VirtioIrq(i)))],
            SleepControlPort = AcpiPowerPorts,
            SleepStatusPort = AcpiPowerPorts + 1,
            ResetPort = AcpiPowerPorts + 2,
        };
        var sleep = new AcpiSleepControl(acpi.S5SleepType, acpi.ResetValue);
        sleep.PowerOffRequested += (_, _) => _lifecycle.RequestStop(ExitCode.GuestPowerOff, "guest powered off (ACPI S5)");
        sleep.ResetRequested += (_, _) => _lifecycle.RequestStop(ExitCode.GuestReboot, "guest requested a reset (ACPI reset register)");
        _pio.Register(AcpiPowerPorts, AcpiSleepControl.PortCount, sleep);
        return AcpiTables.Write(_memory, acpi);
    }

    /// <summary>The FADT's sleep control, sleep status and reset registers (three consecutive I/O ports).</summary>
    private const ushort AcpiPowerPorts = 0x3c0;

    private void StartConsoleInput()
    {
        if (_uart is not null && _config.Console == ConsoleMode.Serial)
        {
            _ = _uart.PumpInputAsync(_console.Input.Reader);
        }

        if (_virtioConsole is not null)
        {
            _ = _virtioConsole.RunInputAsync(CancellationToken.None);
        }
    }

    private void FlushDevices()
    {
        foreach (var disk in _disks)
        {
            if (!disk.Config.ReadOnly)
            {
                try
                {
                    RandomAccess.FlushToDisk(disk.Handle);
                }
                catch (IOException e)
                {
                    Log.Warn("blk", $"flushing {disk.Config.Path} failed: {e.Message}");
                }
            }
        }
    }

    private void ReportDeviceCounters()
    {
        foreach (var (name, transport) in _virtioNames)
        {
            string extra = transport.Device is VirtioBlock b ? $" requests={b.RequestCount} failed={b.FailedRequestCount}" : string.Empty;
            Log.Info("stats", $"virtio-{name}: status={transport.Status} ignored-accesses={transport.IgnoredAccessCount}{extra}");
        }

        if (_uart is not null)
        {
            Log.Info("stats", $"uart: transmitted={_uart.TransmittedBytes} dropped={_uart.DroppedOutputBytes}");
        }
    }
}
