namespace Vmm.Devices.Legacy;

/// <summary>Packed binary-coded decimal, as the CMOS clock stores its fields.</summary>
internal static class BinaryCodedDecimal
{
    /// <summary>Encodes 0–99 as two packed BCD digits.</summary>
    public static byte Encode(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 99);
        return (byte)(((value / 10) << 4) | (value % 10));
    }

    /// <summary>Decodes two packed BCD digits; false if either nibble is above 9.</summary>
    public static bool TryDecode(byte bcd, out int value)
    {
        int high = bcd >> 4;
        int low = bcd & 0x0F;
        value = (high * 10) + low;
        return high <= 9 && low <= 9;
    }
}
