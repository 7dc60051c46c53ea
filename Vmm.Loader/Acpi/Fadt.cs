using System.Buffers.Binary;

namespace Vmm.Loader.Acpi;

/// <summary>The Fixed ACPI Description Table ("FACP") for a hardware-reduced platform, ACPI 6.5 layout.</summary>
internal static class Fadt
{
    public const int Length = 276;
    public const byte Revision = 6;
    public const byte MinorVersion = 5;

    public const uint ResetRegisterSupported = 1u << 10;
    public const uint HardwareReducedAcpi = 1u << 20;
    public const ushort VgaNotPresent = 1 << 2;

    public const int IapcBootArchOffset = 109;
    public const int FlagsOffset = 112;
    public const int ResetRegisterOffset = 116;
    public const int ResetValueOffset = 128;
    public const int MinorVersionOffset = 131;
    public const int XDsdtOffset = 140;
    public const int SleepControlOffset = 244;
    public const int SleepStatusOffset = 256;
    public const int HypervisorVendorOffset = 268;

    public static byte[] Build(AcpiConfiguration configuration, ulong dsdtAddress)
    {
        var table = SystemDescriptionTable.Create("FACP", Length, Revision);
        var t = table.AsSpan();
        // No FACS (FIRMWARE_CTRL 0), no SCI, no PM1/GPE blocks: hardware-reduced ACPI uses none of them.
        BinaryPrimitives.WriteUInt16LittleEndian(t[IapcBootArchOffset..], VgaNotPresent);
        BinaryPrimitives.WriteUInt32LittleEndian(t[FlagsOffset..], HardwareReducedAcpi | ResetRegisterSupported);
        SystemDescriptionTable.WriteIoRegister(t[ResetRegisterOffset..], configuration.ResetPort);
        t[ResetValueOffset] = configuration.ResetValue;
        t[MinorVersionOffset] = MinorVersion;
        // Only X_DSDT: when it is set the 32-bit DSDT field must be ignored, and a mismatch between the two draws warnings.
        BinaryPrimitives.WriteUInt64LittleEndian(t[XDsdtOffset..], dsdtAddress);
        SystemDescriptionTable.WriteIoRegister(t[SleepControlOffset..], configuration.SleepControlPort);
        SystemDescriptionTable.WriteIoRegister(t[SleepStatusOffset..], configuration.SleepStatusPort);
        "VMMNET\0\0"u8.CopyTo(t[HypervisorVendorOffset..]);
        SystemDescriptionTable.Seal(table);
        return table;
    }
}
