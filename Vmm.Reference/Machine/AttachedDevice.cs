using System.Globalization;
using Vmm.Loader.Acpi;
using Vmm.Memory;
using Vmm.Virtio;

namespace Vmm.Reference.Machine;

/// <summary>
/// A virtio device as attached to the machine: its name, model, transport, guest-physical window and interrupt. The
/// kernel command line, the ACPI tables, the MMIO bus and the statistics are all derived from the list of these, so an
/// address is decided once, when the device is attached.
/// </summary>
/// <param name="Name">The name in logs and statistics (blk0, rng, console, …).</param>
/// <param name="Index">The device's index among the attached devices of its transport.</param>
/// <param name="Transport">The transport in front of the device.</param>
/// <param name="Window">The transport's guest-physical window.</param>
/// <param name="Irq">The interrupt (IOAPIC pin / GSI).</param>
internal sealed record AttachedDevice(string Name, int Index, VirtioMmioTransport Transport, GuestRange Window, uint Irq)
{
    /// <summary>The device model.</summary>
    public VirtioDevice Device => Transport.Device;

    /// <summary>The transport-neutral state (status, queues, counters).</summary>
    public VirtioCommonConfig Common => Transport.Common;

    /// <summary>The transport kind as users name it.</summary>
    public string TransportName => "virtio-mmio";

    /// <summary>The kernel parameter announcing the device (for kernels without ACPI).</summary>
    public string KernelParameter => string.Create(CultureInfo.InvariantCulture, $"virtio_mmio.device={Window.Length >> 10}K@0x{Window.Start.Value:x}:{Irq}");

    /// <summary>The device's DSDT entry.</summary>
    public AcpiDevice AcpiDescription => AcpiDevice.VirtioMmio((uint)Index, Window.Start.Value, Window.Length, Irq);
}
