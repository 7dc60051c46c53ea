using System.Buffers.Binary;
using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// The Intel MultiProcessor Specification 1.4 tables, for kernels booted without ACPI (<c>acpi=off</c>
/// or built without it): the MP floating pointer structure at <see cref="BootLayout.MpTable"/> (the last
/// KiB of conventional memory, which Linux scans) followed by the MP configuration table.
/// </summary>
/// <remarks>
/// The configuration table holds a processor entry per vCPU (local APIC id = index, the BSP flag on 0),
/// one ISA bus, one IOAPIC (id = vCPU count, at <see cref="BootLayout.IoApicAddress"/>, 24 pins), an
/// ExtINT entry for IOAPIC pin 0 (the 8259 cascade, as on real PCs), ISA IRQ 0 routed to pin 2 and every
/// other source IRQ 1–23 to the pin of the same number (IRQ 2 is the cascade and has no entry of its own;
/// IRQs 16–23 are listed so that virtio-mmio devices on those lines work without ACPI), and the local
/// interrupts ExtINT on LINT0 and NMI on LINT1 of every local APIC. All interrupts use the bus default
/// (ISA: edge-triggered, active high).
/// </remarks>
public static class MpTable
{
    /// <summary>The most vCPUs the table describes (local APIC ids 0–253; the IOAPIC takes the next id).</summary>
    public const int MaximumVcpuCount = 254;

    /// <summary>The number of IOAPIC input pins described.</summary>
    public const int IoApicPinCount = 24;

    internal const int FloatingPointerSize = 16;
    internal const int HeaderSize = 44;
    internal const int ProcessorEntrySize = 20;
    internal const int ShortEntrySize = 8;

    internal const byte ProcessorEntryType = 0;
    internal const byte BusEntryType = 1;
    internal const byte IoApicEntryType = 2;
    internal const byte IoInterruptEntryType = 3;
    internal const byte LocalInterruptEntryType = 4;

    internal const byte InterruptTypeInt = 0;
    internal const byte InterruptTypeNmi = 1;
    internal const byte InterruptTypeExtInt = 3;

    internal const byte SpecificationRevision = 4;
    internal const byte LocalApicVersion = 0x14;
    internal const byte IoApicVersion = 0x11;
    internal const byte IsaBusId = 0;

    private const byte CpuEnabled = 1;
    private const byte CpuBootProcessor = 2;
    private const uint CpuSignature = (6 << 8) | (1 << 4) | 1; // family 6, model 1, stepping 1
    private const uint CpuFeatureFpu = 1 << 0;
    private const uint CpuFeatureApic = 1 << 9;

    /// <summary>The size in bytes of the floating pointer and configuration table for <paramref name="vcpuCount"/> vCPUs.</summary>
    public static int Size(int vcpuCount)
    {
        ValidateVcpuCount(vcpuCount);
        return FloatingPointerSize + HeaderSize + (vcpuCount * ProcessorEntrySize) + (EntryCount(vcpuCount) - vcpuCount) * ShortEntrySize;
    }

    /// <summary>
    /// Writes the floating pointer and the full configuration table at <see cref="BootLayout.MpTable"/>
    /// (the range is reserved in the E820 map that <see cref="E820MapBuilder"/> builds).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vcpuCount"/> is not 1–254.</exception>
    /// <exception cref="BootConfigurationException">The tables do not fit in guest memory there.</exception>
    public static void Write(GuestMemory memory, int vcpuCount)
    {
        ArgumentNullException.ThrowIfNull(memory);
        byte[] table = Build(vcpuCount, BootLayout.MpTable);
        if (!memory.TryWrite(BootLayout.MpTable, table))
        {
            throw new BootConfigurationException($"MP table [{BootLayout.MpTable}, +0x{table.Length:x}) is outside guest memory.");
        }
    }

    /// <summary>The floating pointer followed by the configuration table, as they are written at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vcpuCount"/> is not 1–254, or the table would not lie below 4 GiB.</exception>
    public static byte[] Build(int vcpuCount, GuestAddress address)
    {
        int size = Size(vcpuCount);
        if (address.Value > uint.MaxValue - (ulong)size)
        {
            throw new ArgumentOutOfRangeException(nameof(address), "The MP table must lie below 4 GiB (its pointers are 32-bit).");
        }

        var table = new byte[size];
        var fp = table.AsSpan(0, FloatingPointerSize);
        "_MP_"u8.CopyTo(fp);
        BinaryPrimitives.WriteUInt32LittleEndian(fp[4..], (uint)address.Value + FloatingPointerSize);
        fp[8] = 1; // length in 16-byte units
        fp[9] = SpecificationRevision;
        // Feature byte 1 = 0: a configuration table is present; feature byte 2 = 0: virtual wire mode, no IMCR.
        TableChecksum.Apply(fp, 10);

        var config = table.AsSpan(FloatingPointerSize);
        var entries = config[HeaderSize..];
        int offset = 0;
        byte ioApicId = (byte)vcpuCount;
        for (int cpu = 0; cpu < vcpuCount; cpu++)
        {
            var e = entries.Slice(offset, ProcessorEntrySize);
            e[0] = ProcessorEntryType;
            e[1] = (byte)cpu;
            e[2] = LocalApicVersion;
            e[3] = (byte)(CpuEnabled | (cpu == 0 ? CpuBootProcessor : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(e[4..], CpuSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(e[8..], CpuFeatureFpu | CpuFeatureApic);
            offset += ProcessorEntrySize;
        }

        var bus = entries.Slice(offset, ShortEntrySize);
        bus[0] = BusEntryType;
        bus[1] = IsaBusId;
        "ISA   "u8.CopyTo(bus[2..]);
        offset += ShortEntrySize;

        var ioApic = entries.Slice(offset, ShortEntrySize);
        ioApic[0] = IoApicEntryType;
        ioApic[1] = ioApicId;
        ioApic[2] = IoApicVersion;
        ioApic[3] = 1; // enabled
        BinaryPrimitives.WriteUInt32LittleEndian(ioApic[4..], BootLayout.IoApicAddress);
        offset += ShortEntrySize;

        WriteInterrupt(entries.Slice(offset, ShortEntrySize), IoInterruptEntryType, InterruptTypeExtInt, sourceIrq: 0, ioApicId, destinationPin: 0);
        offset += ShortEntrySize;
        for (int irq = 0; irq < IoApicPinCount; irq++)
        {
            if (irq == 2)
            {
                continue; // the cascade: pin 2 carries ISA IRQ 0
            }

            WriteInterrupt(entries.Slice(offset, ShortEntrySize), IoInterruptEntryType, InterruptTypeInt, (byte)irq, ioApicId, (byte)(irq == 0 ? 2 : irq));
            offset += ShortEntrySize;
        }

        WriteInterrupt(entries.Slice(offset, ShortEntrySize), LocalInterruptEntryType, InterruptTypeExtInt, sourceIrq: 0, destinationId: 0xff, destinationPin: 0);
        offset += ShortEntrySize;
        WriteInterrupt(entries.Slice(offset, ShortEntrySize), LocalInterruptEntryType, InterruptTypeNmi, sourceIrq: 0, destinationId: 0xff, destinationPin: 1);

        "PCMP"u8.CopyTo(config);
        BinaryPrimitives.WriteUInt16LittleEndian(config[4..], (ushort)config.Length);
        config[6] = SpecificationRevision;
        "VMMNET  "u8.CopyTo(config[8..]);
        "MICROVM     "u8.CopyTo(config[16..]);
        BinaryPrimitives.WriteUInt16LittleEndian(config[34..], (ushort)EntryCount(vcpuCount));
        BinaryPrimitives.WriteUInt32LittleEndian(config[36..], BootLayout.LocalApicAddress);
        TableChecksum.Apply(config, 7);
        return table;
    }

    // processors + bus + IOAPIC + ExtINT + (24 pins - the cascade) + 2 local interrupts
    private static int EntryCount(int vcpuCount) => vcpuCount + 1 + 1 + 1 + (IoApicPinCount - 1) + 2;

    private static void WriteInterrupt(Span<byte> entry, byte entryType, byte interruptType, byte sourceIrq, byte destinationId, byte destinationPin)
    {
        entry[0] = entryType;
        entry[1] = interruptType;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 0); // polarity and trigger: conform to the bus
        entry[4] = IsaBusId;
        entry[5] = sourceIrq;
        entry[6] = destinationId;
        entry[7] = destinationPin;
    }

    private static void ValidateVcpuCount(int vcpuCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vcpuCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vcpuCount, MaximumVcpuCount);
    }
}
