using System.Buffers.Binary;

namespace Vmm.Loader.Acpi;

/// <summary>
/// The resource descriptors of an AML <c>ResourceTemplate()</c> (ACPI 6.5 §6.4): the result ends with the
/// end tag whose checksum makes all descriptor bytes sum to zero.
/// </summary>
public sealed class ResourceTemplateBuilder
{
    private const byte IoDescriptorTag = 0x47;          // small item 0x08, length 7
    private const byte IrqNoFlagsDescriptorTag = 0x22;  // small item 0x04, length 2
    private const byte EndTag = 0x79;                   // small item 0x0f, length 1
    private const byte Memory32FixedTag = 0x86;         // large item 0x06
    private const byte ExtendedInterruptTag = 0x89;     // large item 0x09

    private readonly List<byte> _bytes = [];

    /// <summary><c>Memory32Fixed(ReadWrite|ReadOnly, base, length)</c>.</summary>
    public ResourceTemplateBuilder Memory32Fixed(bool readWrite, uint baseAddress, uint length)
    {
        Span<byte> d = stackalloc byte[12];
        d[0] = Memory32FixedTag;
        BinaryPrimitives.WriteUInt16LittleEndian(d[1..], 9);
        d[3] = (byte)(readWrite ? 1 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], baseAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(d[8..], length);
        _bytes.AddRange(d);
        return this;
    }

    /// <summary>
    /// <c>Interrupt(ResourceConsumer|ResourceProducer, Edge|Level, ActiveHigh|ActiveLow, Exclusive|Shared) { interrupts }</c>
    /// (the extended interrupt descriptor, 32-bit GSIs).
    /// </summary>
    public ResourceTemplateBuilder Interrupt(bool consumer, bool edgeTriggered, bool activeLow, bool shared, params ReadOnlySpan<uint> interrupts)
    {
        if (interrupts.IsEmpty || interrupts.Length > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(interrupts), interrupts.Length, "An Interrupt descriptor lists 1-255 interrupts.");
        }

        var d = new byte[5 + (4 * interrupts.Length)];
        d[0] = ExtendedInterruptTag;
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(1), (ushort)(2 + (4 * interrupts.Length)));
        d[3] = (byte)((consumer ? 1 : 0) | (edgeTriggered ? 2 : 0) | (activeLow ? 4 : 0) | (shared ? 8 : 0));
        d[4] = (byte)interrupts.Length;
        for (int i = 0; i < interrupts.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(5 + (4 * i)), interrupts[i]);
        }

        _bytes.AddRange(d);
        return this;
    }

    /// <summary><c>IO(Decode16|Decode10, minimum, maximum, alignment, length)</c>.</summary>
    public ResourceTemplateBuilder Io(ushort minimum, ushort maximum, byte alignment, byte length, bool decode16 = true)
    {
        Span<byte> d = stackalloc byte[8];
        d[0] = IoDescriptorTag;
        d[1] = (byte)(decode16 ? 1 : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(d[2..], minimum);
        BinaryPrimitives.WriteUInt16LittleEndian(d[4..], maximum);
        d[6] = alignment;
        d[7] = length;
        _bytes.AddRange(d);
        return this;
    }

    /// <summary><c>IRQNoFlags() { irqs }</c>: ISA IRQs 0–15, edge-triggered, active high, exclusive.</summary>
    public ResourceTemplateBuilder IrqNoFlags(params ReadOnlySpan<byte> irqs)
    {
        ushort mask = 0;
        foreach (byte irq in irqs)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(irq, (byte)15, nameof(irqs));
            mask |= (ushort)(1 << irq);
        }

        _bytes.Add(IrqNoFlagsDescriptorTag);
        _bytes.Add((byte)mask);
        _bytes.Add((byte)(mask >> 8));
        return this;
    }

    /// <summary>The descriptors followed by the end tag and its checksum.</summary>
    public byte[] ToArray()
    {
        var result = new byte[_bytes.Count + 2];
        _bytes.CopyTo(result);
        result[^2] = EndTag;
        TableChecksum.Apply(result, result.Length - 1);
        return result;
    }
}
