namespace Vmm.Loader;

/// <summary>The byte checksum that firmware tables (ACPI, MP) use: all bytes of the structure sum to zero modulo 256.</summary>
internal static class TableChecksum
{
    /// <summary>The byte that makes <paramref name="bytes"/> (with that byte's slot holding zero) sum to zero.</summary>
    public static byte Compute(ReadOnlySpan<byte> bytes) => (byte)(0x100 - Sum(bytes));

    /// <summary>The sum of <paramref name="bytes"/> modulo 256 (zero for a correctly checksummed structure).</summary>
    public static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return sum;
    }

    /// <summary>Stores into <paramref name="bytes"/>[<paramref name="checksumOffset"/>] the byte that makes the whole span sum to zero.</summary>
    public static void Apply(Span<byte> bytes, int checksumOffset)
    {
        bytes[checksumOffset] = 0;
        bytes[checksumOffset] = Compute(bytes);
    }
}
