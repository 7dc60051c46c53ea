namespace Vmm.Loader.Acpi;

/// <summary>What the ACPI tables describe: the vCPUs, the devices (any transport), COM1 and the power registers.</summary>
public sealed record AcpiConfiguration
{
    /// <summary>The number of vCPUs, 1–254; their local APIC ids are 0 to n−1 and the IOAPIC's id is n.</summary>
    public required int VcpuCount { get; init; }

    /// <summary>The devices the DSDT describes under <c>\_SB_</c>, in this order (names must be unique: see <see cref="AcpiDevice"/>).</summary>
    public IReadOnlyList<AcpiDevice> Devices { get; init; } = [];

    /// <summary>Whether to describe COM1 (PNP0501, I/O 0x3f8–0x3ff, IRQ 4).</summary>
    public bool Com1 { get; init; } = true;

    /// <summary>The FADT SLEEP_CONTROL_REG: an 8-bit I/O register; the guest writes <c>(SLP_TYP &lt;&lt; 2) | SLP_EN (0x20)</c> to power off.</summary>
    public ushort SleepControlPort { get; init; } = 0x3c0;

    /// <summary>The FADT SLEEP_STATUS_REG: an 8-bit I/O register (the guest writes WAK_STS 0x80 to clear it before sleeping).</summary>
    public ushort SleepStatusPort { get; init; } = 0x3c1;

    /// <summary>The FADT RESET_REG: an 8-bit I/O register the guest writes <see cref="ResetValue"/> to for a reboot.</summary>
    public ushort ResetPort { get; init; } = 0x3c2;

    /// <summary>The FADT RESET_VALUE.</summary>
    public byte ResetValue { get; init; } = 0x01;

    /// <summary>The sleep type in <c>\_S5_</c> (SLP_TYPa, 0–7): what the guest puts in bits 2–4 of the sleep control register to power off.</summary>
    public byte S5SleepType { get; init; } = 5;
}
