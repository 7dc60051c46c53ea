using System.Buffers.Binary;

namespace Vmm.Loader.Acpi;

/// <summary>The Multiple APIC Description Table ("APIC"): local APICs, the IOAPIC, the timer override and the LINT1 NMI.</summary>
internal static class Madt
{
    public const byte Revision = 5;
    public const uint PcAtCompatible = 1;

    public const byte ProcessorLocalApicType = 0;
    public const byte IoApicType = 1;
    public const byte InterruptSourceOverrideType = 2;
    public const byte LocalApicNmiType = 4;

    public static byte[] Build(int vcpuCount)
    {
        int length = 8 + (vcpuCount * 8) + 12 + 10 + 6;
        var body = new byte[length];
        var b = body.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(b, BootLayout.LocalApicAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], PcAtCompatible);
        int o = 8;
        for (int cpu = 0; cpu < vcpuCount; cpu++)
        {
            b[o] = ProcessorLocalApicType;
            b[o + 1] = 8;
            b[o + 2] = (byte)cpu; // ACPI processor UID
            b[o + 3] = (byte)cpu; // local APIC id
            BinaryPrimitives.WriteUInt32LittleEndian(b[(o + 4)..], 1); // enabled
            o += 8;
        }

        b[o] = IoApicType;
        b[o + 1] = 12;
        b[o + 2] = (byte)vcpuCount; // IOAPIC id, after the local APIC ids
        BinaryPrimitives.WriteUInt32LittleEndian(b[(o + 4)..], BootLayout.IoApicAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(o + 8)..], 0); // GSI base
        o += 12;

        // ISA IRQ 0 (the PIT) arrives on GSI 2, as on PCs; flags 0 = conforms to the bus (ISA: edge, active high).
        b[o] = InterruptSourceOverrideType;
        b[o + 1] = 10;
        b[o + 2] = 0; // bus: ISA
        b[o + 3] = 0; // source IRQ
        BinaryPrimitives.WriteUInt32LittleEndian(b[(o + 4)..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(b[(o + 8)..], 0);
        o += 10;

        b[o] = LocalApicNmiType;
        b[o + 1] = 6;
        b[o + 2] = 0xff; // all processors
        BinaryPrimitives.WriteUInt16LittleEndian(b[(o + 3)..], 0);
        b[o + 5] = 1; // LINT1
        return SystemDescriptionTable.Create("APIC", Revision, body);
    }
}
