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
using Vmm.Virtio.Net;

namespace Vmm.Reference.Machine;

/// <summary>The device side of <see cref="MicroVm"/>: platform devices, virtio devices and firmware tables.</summary>
internal sealed partial class MicroVm
{
    private readonly List<AttachedDevice> _attached = [];
    private VirtioConsole? _virtioConsole;
    private DeviceEventLoop? _deviceEvents;

    /// <summary>The attached virtio devices, in attachment order.</summary>
    public IReadOnlyList<AttachedDevice> AttachedDevices => _attached;

    /// <summary>The device event loop that devices waiting on host descriptors and timers register with.</summary>
    private DeviceEventLoop DeviceEvents => _deviceEvents ??= new DeviceEventLoop(_eventLoop);

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

    private void CreateVirtioDevices(InputFiles inputs)
    {
        for (int i = 0; i < inputs.Disks.Count; i++)
        {
            var disk = inputs.Disks[i];
            var block = new VirtioBlock(disk.Handle, new VirtioBlockOptions
            {
                ReadOnly = disk.Config.ReadOnly,
                Serial = $"vmm-disk{i}",
            });
            Attach($"blk{i}", block);
        }

        if (_config.Rng)
        {
            Attach("rng", new VirtioRng());
        }

        if (_config.Console == ConsoleMode.Virtio)
        {
            _virtioConsole = new VirtioConsole(_console.VirtioOutput.Writer, _console.Input.Reader);
            Attach("console", _virtioConsole);
        }

        CreateVsock();
        CreateBalloon();
        for (int i = 0; i < inputs.Nets.Count; i++)
        {
            var (net, tap) = inputs.Nets[i];
            var device = new VirtioNet(tap, DeviceEvents, new VirtioNetOptions { Mac = net.Mac, ReceiveRateLimit = net.ReceiveRate, TransmitRateLimit = net.TransmitRate });
            _owned.Add(device);
            Attach($"net{i}", device);
            Log.Info("net", $"net{i}: tap {tap.Name}, mac {device.Mac}");
        }

        foreach (var device in _attached)
        {
            Log.Info("devices", $"{device.Name}: {device.TransportName} at 0x{device.Window.Start.Value:x}, irq {device.Irq}");
        }
    }

    /// <summary>
    /// Attaches <paramref name="device"/> behind a virtio-mmio transport in the next free window with the next free
    /// interrupt, registers it on the MMIO bus, and wires its queue notifications (KVM ioeventfds) to the event loop.
    /// </summary>
    private AttachedDevice Attach(string name, VirtioDevice device)
    {
        int index = _attached.Count;
        uint irq = MemoryLayout.VirtioIrq(index);
        if (irq > MemoryLayout.LastIrq)
        {
            throw new VmmException(ExitCode.Usage, $"too many virtio devices: at most {MemoryLayout.LastIrq - MemoryLayout.VirtioFirstIrq + 1}");
        }

        var window = new GuestRange(MemoryLayout.VirtioMmioAddress(index), MemoryLayout.VirtioMmioSize);
        var line = new IrqFdLine(_vm, irq);
        _owned.Add(line);
        var transport = new VirtioMmioTransport(device, _memory, line, name);
        transport.Common.Faulted += (_, fault) => Log.Warn(
            "virtio", $"{fault.DeviceName}: the device failed ({fault.Operation}: {fault.Exception.GetType().Name}: {fault.Exception.Message}); it is marked DEVICE_NEEDS_RESET for the guest driver");
        _mmio.Register(window.Start.Value, window.Length, transport);

        // Queue notifications: KVM signals an eventfd per queue (no exit to the vCPU thread); the event loop processes the queue.
        for (int queue = 0; queue < device.QueueCount; queue++)
        {
            var eventFd = new EventFd();
            _owned.Add(eventFd);
            _vm.RegisterIoEventFd(eventFd, IoEventSpace.Mmio, window.Start.Value + VirtioMmioRegister.QueueNotify, 4, (ulong)queue);
            int q = queue;
            _eventLoop.Add(eventFd.Handle, EventKinds.Readable, events =>
            {
                if (eventFd.TryRead(out _))
                {
                    transport.NotifyQueue(q);
                }
            });
        }

        var attached = new AttachedDevice(name, index, transport, window, irq);
        _attached.Add(attached);
        return attached;
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
            Devices = [.. _attached.Select(d => d.AcpiDescription)],
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
        foreach (var device in _attached)
        {
            var line = new System.Text.StringBuilder();
            line.Append(CultureInfo.InvariantCulture, $"virtio-{device.Name}: status={device.Common.Status} ignored-accesses={device.Common.IgnoredAccessCount}");
            if (device.Common.FaultCount != 0)
            {
                line.Append(CultureInfo.InvariantCulture, $" device-faults={device.Common.FaultCount}");
            }

            AppendCounters(line, device.Device as IDeviceCounters);
            Log.Info("stats", line.ToString());
        }

        ReportBalloonStatistics();
        if (_uart is not null)
        {
            var line = new System.Text.StringBuilder("uart:");
            AppendCounters(line, _uart as IDeviceCounters);
            Log.Info("stats", line.ToString());
        }
    }

    private static void AppendCounters(System.Text.StringBuilder line, IDeviceCounters? source)
    {
        if (source is null)
        {
            return;
        }

        foreach (var counter in source.ReadCounters())
        {
            line.Append(CultureInfo.InvariantCulture, $" {counter.Name}={counter.Value}");
        }
    }
}
