namespace Vmm.Loader.Acpi;

/// <summary>
/// A virtio-mmio device as the DSDT describes it: <c>_HID</c> "LNRO0005" (the id Linux's virtio_mmio
/// driver matches), a Memory32Fixed window and one edge-triggered, active-high interrupt.
/// </summary>
/// <param name="BaseAddress">The MMIO window's guest-physical base (the window must lie below 4 GiB).</param>
/// <param name="Size">The MMIO window's size in bytes.</param>
/// <param name="Irq">The global system interrupt (IOAPIC pin, GSI base 0).</param>
public sealed record AcpiVirtioMmioDevice(ulong BaseAddress, ulong Size, uint Irq);
