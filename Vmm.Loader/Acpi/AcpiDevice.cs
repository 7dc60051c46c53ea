namespace Vmm.Loader.Acpi;

/// <summary>
/// A device the DSDT describes under <c>\_SB_</c>, whatever its transport: a hardware id, a unique id, and the
/// resources it decodes (memory windows below 4 GiB, I/O port ranges, edge-triggered active-high interrupts).
/// The DSDT names it <see cref="NamePrefix"/> followed by <see cref="UniqueId"/> in three hex digits (V000, V001, …).
/// </summary>
public sealed record AcpiDevice
{
    /// <summary>The <c>_HID</c>: a string id such as "LNRO0005", or an EISA id such as "PNP0501" (see <see cref="HardwareIdIsEisa"/>).</summary>
    public required string HardwareId { get; init; }

    /// <summary>Whether <see cref="HardwareId"/> is encoded as a compressed EISA id (PNPxxxx) rather than a string.</summary>
    public bool HardwareIdIsEisa { get; init; }

    /// <summary>The <c>_UID</c>, unique among devices of the same <see cref="HardwareId"/>; also the number in the device's name (0–0xFFF).</summary>
    public required uint UniqueId { get; init; }

    /// <summary>The first character of the device's ACPI name (an upper-case letter).</summary>
    public char NamePrefix { get; init; } = 'D';

    /// <summary>Memory windows, as <c>Memory32Fixed(ReadWrite)</c> resources.</summary>
    public IReadOnlyList<AcpiMemoryWindow> MemoryWindows { get; init; } = [];

    /// <summary>Global system interrupts (IOAPIC pins, GSI base 0), as edge-triggered, active-high, exclusive <c>Interrupt</c> resources.</summary>
    public IReadOnlyList<uint> Interrupts { get; init; } = [];

    /// <summary>A virtio-mmio device: <c>_HID</c> "LNRO0005" (the id Linux's virtio_mmio driver matches), named V000, V001, …</summary>
    /// <param name="uniqueId">The device's index among the virtio-mmio devices.</param>
    /// <param name="baseAddress">The MMIO window's guest-physical base (below 4 GiB).</param>
    /// <param name="size">The MMIO window's size in bytes.</param>
    /// <param name="irq">The device's interrupt (IOAPIC pin).</param>
    public static AcpiDevice VirtioMmio(uint uniqueId, ulong baseAddress, ulong size, uint irq) => new()
    {
        HardwareId = VirtioMmioHardwareId,
        UniqueId = uniqueId,
        NamePrefix = 'V',
        MemoryWindows = [new AcpiMemoryWindow(baseAddress, size)],
        Interrupts = [irq],
    };

    /// <summary>The hardware id of virtio-mmio devices.</summary>
    public const string VirtioMmioHardwareId = "LNRO0005";
}
