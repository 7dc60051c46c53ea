namespace Vmm.Loader.Acpi;

/// <summary>The primitive AML encodings (ACPI 6.5 §20.2): package lengths and EISA identifiers.</summary>
public static class AmlEncoding
{
    /// <summary>The largest value a PkgLength can encode (28 bits).</summary>
    public const int MaximumPackageLength = 0x0fff_ffff;

    /// <summary>
    /// The PkgLength for a construct whose contents after the PkgLength are <paramref name="contentLength"/>
    /// bytes: the encoded length counts the PkgLength bytes themselves, so the encoding is the shortest of
    /// 1 byte (total ≤ 63), 2 (≤ 0xfff), 3 (≤ 0xfffff) or 4 bytes (≤ 0xfffffff) that fits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The total exceeds 28 bits.</exception>
    public static byte[] PackageLength(int contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        for (int size = 1; size <= 4; size++)
        {
            long total = (long)contentLength + size;
            long limit = size == 1 ? 0x3f : (1L << (4 + (8 * (size - 1)))) - 1;
            if (total <= limit)
            {
                return EncodePackageLengthValue((int)total, size);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(contentLength), contentLength, "An AML package cannot exceed 2^28 - 1 bytes.");
    }

    /// <summary>
    /// The PkgLength bytes for the value <paramref name="value"/> (the total length including the
    /// PkgLength itself) in the shortest encoding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative or exceeds 28 bits.</exception>
    public static byte[] PackageLengthValue(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaximumPackageLength);
        int size = value <= 0x3f ? 1 : value <= 0xfff ? 2 : value <= 0xfffff ? 3 : 4;
        return EncodePackageLengthValue(value, size);
    }

    /// <summary>
    /// The 32-bit compressed EISA identifier of a 7-character PNP id such as "PNP0501" (three letters
    /// A–Z, four hex digits), as ASL's <c>EISAID()</c> produces it: "PNP0501" is 0x0105D041.
    /// </summary>
    /// <exception cref="ArgumentException">The id does not have that form.</exception>
    public static uint EisaId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length != 7)
        {
            throw new ArgumentException($"EISA id '{id}' must be 3 letters and 4 hex digits.", nameof(id));
        }

        uint vendor = 0;
        for (int i = 0; i < 3; i++)
        {
            char c = id[i];
            if (c is < 'A' or > 'Z')
            {
                throw new ArgumentException($"EISA id '{id}' must start with 3 upper-case letters.", nameof(id));
            }

            vendor = (vendor << 5) | (uint)(c - '@');
        }

        uint product = 0;
        for (int i = 3; i < 7; i++)
        {
            int digit = HexValue(id[i]);
            if (digit < 0)
            {
                throw new ArgumentException($"EISA id '{id}' must end with 4 hex digits.", nameof(id));
            }

            product = (product << 4) | (uint)digit;
        }

        // Big-endian in memory: vendor (16 bits) then product (16 bits).
        return ((vendor >> 8) & 0xff) | ((vendor & 0xff) << 8) | (((product >> 8) & 0xff) << 16) | ((product & 0xff) << 24);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static byte[] EncodePackageLengthValue(int value, int size)
    {
        var bytes = new byte[size];
        if (size == 1)
        {
            bytes[0] = (byte)value;
            return bytes;
        }

        bytes[0] = (byte)(((size - 1) << 6) | (value & 0x0f));
        for (int i = 1; i < size; i++)
        {
            bytes[i] = (byte)(value >> (4 + (8 * (i - 1))));
        }

        return bytes;
    }
}
