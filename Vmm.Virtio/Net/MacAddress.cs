using System.Globalization;
using Vmm.Virtio.Interop;

namespace Vmm.Virtio.Net;

/// <summary>A 48-bit Ethernet MAC address, written <c>52:54:00:12:34:56</c>.</summary>
public readonly struct MacAddress : IEquatable<MacAddress>
{
    /// <summary>The length in bytes.</summary>
    public const int Length = 6;

    private readonly ulong _value;

    /// <summary>Creates the address from its 6 bytes in transmission order.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 6 bytes long.</exception>
    public MacAddress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A MAC address is 6 bytes.", nameof(bytes));
        }

        ulong v = 0;
        foreach (byte b in bytes)
        {
            v = (v << 8) | b;
        }

        _value = v;
    }

    /// <summary>Whether the group bit (least significant bit of the first byte) is set: not usable as a NIC address.</summary>
    public bool IsMulticast => ((_value >> 40) & 1) != 0;

    /// <summary>Whether the locally administered bit is set.</summary>
    public bool IsLocallyAdministered => ((_value >> 40) & 2) != 0;

    /// <summary>Writes the 6 bytes in transmission order.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 6 bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException("The destination is shorter than 6 bytes.", nameof(destination));
        }

        for (int i = 0; i < Length; i++)
        {
            destination[i] = (byte)(_value >> (8 * (Length - 1 - i)));
        }
    }

    /// <summary>A random locally administered unicast address (from getrandom(2)).</summary>
    public static unsafe MacAddress CreateRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        fixed (byte* p = bytes)
        {
            nint got = 0;
            while (got < Length)
            {
                nint n = Libc.GetRandom(p + got, (nuint)(Length - got), 0);
                if (n <= 0)
                {
                    // getrandom cannot fail for 6 bytes once the pool is ready; fall back to the clock if it does.
                    BitConverter.TryWriteBytes(bytes, Environment.TickCount64 ^ Environment.ProcessId);
                    break;
                }

                got += n;
            }
        }

        bytes[0] = (byte)((bytes[0] & 0xfe) | 0x02);
        return new MacAddress(bytes);
    }

    /// <summary>Parses six hexadecimal bytes separated by ':' or '-'.</summary>
    /// <exception cref="FormatException">Not a MAC address.</exception>
    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (six hexadecimal bytes such as 52:54:00:12:34:56).");

    /// <summary>Parses six hexadecimal bytes separated by ':' or '-'; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string? text, out MacAddress address)
    {
        address = default;
        if (text is null || text.Length != 17)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        for (int i = 0; i < Length; i++)
        {
            if (i > 0 && text[(3 * i) - 1] is not ':' and not '-')
            {
                return false;
            }

            if (!byte.TryParse(text.AsSpan(3 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        address = new MacAddress(bytes);
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(MacAddress other) => _value == other._value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MacAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>The address as <c>52:54:00:12:34:56</c> (lower case).</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Length];
        CopyTo(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(MacAddress left, MacAddress right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(MacAddress left, MacAddress right) => !left.Equals(right);
}
