using System.Buffers.Binary;

namespace Vmm.Loader.Acpi;

/// <summary>The 36-byte ACPI system description table header and its checksum.</summary>
internal static class SystemDescriptionTable
{
    public const int HeaderSize = 36;
    public const int ChecksumOffset = 9;

    /// <summary>The OEM id of every table ("VMMNET").</summary>
    public static ReadOnlySpan<byte> OemId => "VMMNET"u8;

    /// <summary>A table of <paramref name="length"/> bytes with its header filled in except the checksum.</summary>
    public static byte[] Create(string signature, int length, byte revision)
    {
        var table = new byte[length];
        System.Text.Encoding.ASCII.GetBytes(signature, table);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)length);
        table[8] = revision;
        OemId.CopyTo(table.AsSpan(10));
        "MICROVM "u8.CopyTo(table.AsSpan(16));     // OEM table id
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(24), 1); // OEM revision
        "VMMN"u8.CopyTo(table.AsSpan(28));         // creator id
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(32), 1); // creator revision
        return table;
    }

    /// <summary>A table whose body is <paramref name="body"/>, checksummed.</summary>
    public static byte[] Create(string signature, byte revision, ReadOnlySpan<byte> body)
    {
        var table = Create(signature, HeaderSize + body.Length, revision);
        body.CopyTo(table.AsSpan(HeaderSize));
        Seal(table);
        return table;
    }

    /// <summary>Sets the checksum so that the whole table sums to zero.</summary>
    public static void Seal(byte[] table) => TableChecksum.Apply(table, ChecksumOffset);

    /// <summary>Writes a Generic Address Structure for an 8-bit System I/O register with byte access.</summary>
    public static void WriteIoRegister(Span<byte> destination, ushort port)
    {
        destination[0] = 1;  // address space: System I/O
        destination[1] = 8;  // register bit width
        destination[2] = 0;  // bit offset
        destination[3] = 1;  // access size: byte
        BinaryPrimitives.WriteUInt64LittleEndian(destination[4..], port);
    }
}
