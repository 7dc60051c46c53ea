using System.Buffers.Binary;
using Vmm.Memory;

namespace Vmm.Loader.Acpi;

/// <summary>
/// The ACPI tables of a hardware-reduced micro-VM: RSDP (revision 2), XSDT, FADT (hardware-reduced, reset
/// register, sleep control/status registers), MADT (local APICs, IOAPIC, IRQ 0 → GSI 2 override, LINT1
/// NMI) and DSDT (<c>\_S5_</c>, COM1, one device per entry of <see cref="AcpiConfiguration.Devices"/>).
/// </summary>
/// <remarks>
/// Layout from the base address: RSDP, DSDT, FADT, MADT, XSDT, each 16-byte aligned. The RSDP at the base
/// (<see cref="BootLayout.AcpiTables"/>, in the BIOS area Linux scans) is found without the zero page's
/// <c>acpi_rsdp_addr</c>; pass it there too.
/// </remarks>
public static class AcpiTables
{
    /// <summary>The number of IOAPIC pins (GSIs 0–23) a device interrupt may use.</summary>
    public const int IoApicPinCount = 24;

    internal const int RsdpLength = 36;

    private const int Alignment = 16;

    /// <summary>
    /// Writes the tables into guest memory within [<see cref="BootLayout.AcpiTables"/>, <see cref="BootLayout.AcpiTablesEnd"/>)
    /// and returns the RSDP address (for the zero page's <c>acpi_rsdp_addr</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The configuration is invalid (see <see cref="Build"/>).</exception>
    /// <exception cref="BootConfigurationException">The tables do not fit in that area or it is not guest RAM.</exception>
    public static GuestAddress Write(GuestMemory memory, AcpiConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var tables = Lay(configuration, BootLayout.AcpiTables);
        var (_, lastAddress, lastBytes) = tables[^1];
        ulong end = lastAddress.Value + (ulong)lastBytes.Length;
        if (end > BootLayout.AcpiTablesEnd.Value)
        {
            throw new BootConfigurationException(
                $"ACPI tables need [{BootLayout.AcpiTables}, 0x{end:x}), past the end of their area {BootLayout.AcpiTablesEnd}.");
        }

        if (!memory.IsValidRange(BootLayout.AcpiTables, end - BootLayout.AcpiTables.Value))
        {
            throw new BootConfigurationException($"ACPI tables [{BootLayout.AcpiTables}, 0x{end:x}) are outside guest memory.");
        }

        foreach (var (_, address, bytes) in tables)
        {
            memory.Write(address, bytes);
        }

        return BootLayout.AcpiTables;
    }

    /// <summary>
    /// The tables as they would be written at <paramref name="baseAddress"/>, by signature: "RSDP",
    /// "XSDT", "FACP", "APIC", "DSDT" (for tests and tools such as <c>iasl -d</c>).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The vCPU count is not 1–254, a virtio window is empty or does not lie below 4 GiB, an IRQ is not
    /// a GSI 0–23, the S5 sleep type exceeds 7, or the base is not 16-byte aligned.
    /// </exception>
    public static IReadOnlyDictionary<string, byte[]> Build(AcpiConfiguration configuration, GuestAddress baseAddress) =>
        Lay(configuration, baseAddress).ToDictionary(t => t.Signature, t => t.Bytes);

    private static List<(string Signature, GuestAddress Address, byte[] Bytes)> Lay(AcpiConfiguration configuration, GuestAddress baseAddress)
    {
        Validate(configuration);
        if (!baseAddress.IsAligned(Alignment))
        {
            throw new ArgumentException($"The RSDP must be 16-byte aligned: {baseAddress}.", nameof(baseAddress));
        }

        var tables = new List<(string, GuestAddress, byte[])>(5);
        ulong next = baseAddress.Value;
        GuestAddress Place(int length)
        {
            var address = new GuestAddress(next);
            next = checked(next + (((ulong)length + Alignment - 1) & ~(ulong)(Alignment - 1)));
            return address;
        }

        var rsdpAddress = Place(RsdpLength);
        var dsdt = Dsdt.Build(configuration);
        var dsdtAddress = Place(dsdt.Length);
        var fadt = Fadt.Build(configuration, dsdtAddress.Value);
        var fadtAddress = Place(fadt.Length);
        var madt = Madt.Build(configuration.VcpuCount);
        var madtAddress = Place(madt.Length);
        var xsdt = BuildXsdt([fadtAddress.Value, madtAddress.Value]);
        var xsdtAddress = Place(xsdt.Length);
        var rsdp = BuildRsdp(xsdtAddress.Value);

        tables.Add(("RSDP", rsdpAddress, rsdp));
        tables.Add(("DSDT", dsdtAddress, dsdt));
        tables.Add(("FACP", fadtAddress, fadt));
        tables.Add(("APIC", madtAddress, madt));
        tables.Add(("XSDT", xsdtAddress, xsdt));
        return tables;
    }

    private static void Validate(AcpiConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.VcpuCount is < 1 or > MpTable.MaximumVcpuCount)
        {
            throw new ArgumentException($"VcpuCount must be 1-{MpTable.MaximumVcpuCount}: {configuration.VcpuCount}.", nameof(configuration));
        }

        if (configuration.S5SleepType > 7)
        {
            throw new ArgumentException($"S5SleepType is a 3-bit field: {configuration.S5SleepType}.", nameof(configuration));
        }

        ArgumentNullException.ThrowIfNull(configuration.Devices, nameof(configuration));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in configuration.Devices)
        {
            ValidateDevice(device, names);
        }
    }

    private static void ValidateDevice(AcpiDevice device, HashSet<string> names)
    {
        ArgumentNullException.ThrowIfNull(device, "configuration");
        if (string.IsNullOrEmpty(device.HardwareId) || device.HardwareId.Length > 8 || !char.IsAsciiLetterUpper(device.NamePrefix) || device.UniqueId > 0xfff)
        {
            throw new ArgumentException($"Device {device.HardwareId} needs a hardware id of 1-8 characters, an upper-case name prefix and a unique id up to 0xFFF.", "configuration");
        }

        if (!names.Add(Dsdt.DeviceName(device)))
        {
            throw new ArgumentException($"Two devices share the ACPI name {Dsdt.DeviceName(device)}.", "configuration");
        }

        foreach (var window in device.MemoryWindows)
        {
            if (window.Size == 0 || window.Size > uint.MaxValue || window.BaseAddress > (1UL << 32) - window.Size)
            {
                throw new ArgumentException($"{device.HardwareId} window at 0x{window.BaseAddress:x} size 0x{window.Size:x} must be non-empty and below 4 GiB.", "configuration");
            }
        }

        foreach (uint irq in device.Interrupts)
        {
            if (irq >= IoApicPinCount)
            {
                throw new ArgumentException($"{device.HardwareId} IRQ {irq} is not an IOAPIC pin (0-{IoApicPinCount - 1}).", "configuration");
            }
        }
    }

    private static byte[] BuildXsdt(ReadOnlySpan<ulong> entries)
    {
        var body = new byte[entries.Length * 8];
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(i * 8), entries[i]);
        }

        return SystemDescriptionTable.Create("XSDT", 1, body);
    }

    private static byte[] BuildRsdp(ulong xsdtAddress)
    {
        var rsdp = new byte[RsdpLength];
        "RSD PTR "u8.CopyTo(rsdp);
        SystemDescriptionTable.OemId.CopyTo(rsdp.AsSpan(9));
        rsdp[15] = 2; // revision: ACPI 2.0+ (XSDT); RsdtAddress stays 0
        BinaryPrimitives.WriteUInt32LittleEndian(rsdp.AsSpan(20), RsdpLength);
        BinaryPrimitives.WriteUInt64LittleEndian(rsdp.AsSpan(24), xsdtAddress);
        rsdp[8] = TableChecksum.Compute(rsdp.AsSpan(0, 20));
        rsdp[32] = TableChecksum.Compute(rsdp);
        return rsdp;
    }
}
