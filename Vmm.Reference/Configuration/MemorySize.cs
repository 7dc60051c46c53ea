using System.Globalization;

namespace Vmm.Reference.Configuration;

/// <summary>Parses memory sizes: a plain number is MiB (like Firecracker); suffixes K, M, G (optionally KiB/MiB/GiB, or KB/MB/GB meaning the same binary units).</summary>
internal static class MemorySize
{
    public static ulong ParseBytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits]))
        {
            digits++;
        }

        if (digits == 0 || !ulong.TryParse(t.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new FormatException($"invalid memory size '{text}' (examples: 128, 128M, 1G)");
        }

        int shift = t[digits..].ToUpperInvariant() switch
        {
            "" or "M" or "MB" or "MIB" => 20,
            "K" or "KB" or "KIB" => 10,
            "G" or "GB" or "GIB" => 30,
            _ => throw new FormatException($"invalid memory size '{text}' (examples: 128, 128M, 1G)"),
        };

        if (value == 0 || value > (ulong.MaxValue >> shift))
        {
            throw new FormatException($"invalid memory size '{text}'");
        }

        return value << shift;
    }
}
