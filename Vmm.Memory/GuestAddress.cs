using System.Globalization;
using System.Numerics;

namespace Vmm.Memory;

/// <summary>
/// A guest-physical address. Arithmetic is checked: a result that would wrap past
/// 2^64 - 1 or below zero is an error, never a silent wrap.
/// </summary>
public readonly struct GuestAddress : IEquatable<GuestAddress>, IComparable<GuestAddress>, IComparisonOperators<GuestAddress, GuestAddress, bool>, ISpanFormattable
{
    /// <summary>Creates an address from its raw 64-bit value.</summary>
    public GuestAddress(ulong value) => Value = value;

    /// <summary>The raw 64-bit value.</summary>
    public ulong Value { get; }

    /// <summary>Address zero.</summary>
    public static GuestAddress Zero => default;

    /// <summary>The highest representable address, 2^64 - 1.</summary>
    public static GuestAddress MaxValue => new(ulong.MaxValue);

    /// <summary>Returns this address plus <paramref name="offset"/>.</summary>
    /// <exception cref="GuestAddressOverflowException">The sum exceeds 2^64 - 1.</exception>
    public GuestAddress Add(ulong offset)
    {
        if (!TryAdd(offset, out var result))
        {
            throw new GuestAddressOverflowException(this, offset);
        }

        return result;
    }

    /// <summary>Adds <paramref name="offset"/> unless the sum would exceed 2^64 - 1.</summary>
    public bool TryAdd(ulong offset, out GuestAddress result)
    {
        ulong sum = Value + offset;
        if (sum < Value)
        {
            result = default;
            return false;
        }

        result = new GuestAddress(sum);
        return true;
    }

    /// <summary>Returns this address minus <paramref name="offset"/>.</summary>
    /// <exception cref="GuestAddressOverflowException">The difference would be negative.</exception>
    public GuestAddress Subtract(ulong offset)
    {
        if (offset > Value)
        {
            throw new GuestAddressOverflowException(this, offset);
        }

        return new GuestAddress(Value - offset);
    }

    /// <summary>The distance from <paramref name="origin"/> up to this address.</summary>
    /// <exception cref="GuestAddressOverflowException"><paramref name="origin"/> lies above this address.</exception>
    public ulong OffsetFrom(GuestAddress origin)
    {
        if (origin.Value > Value)
        {
            throw new GuestAddressOverflowException(this, origin.Value);
        }

        return Value - origin.Value;
    }

    /// <summary>Whether the address is a multiple of <paramref name="alignment"/> (a power of two).</summary>
    public bool IsAligned(ulong alignment)
    {
        ValidateAlignment(alignment);
        return (Value & (alignment - 1)) == 0;
    }

    /// <summary>Rounds down to a multiple of <paramref name="alignment"/> (a power of two).</summary>
    public GuestAddress AlignDown(ulong alignment)
    {
        ValidateAlignment(alignment);
        return new GuestAddress(Value & ~(alignment - 1));
    }

    /// <summary>Rounds up to a multiple of <paramref name="alignment"/> (a power of two).</summary>
    /// <exception cref="GuestAddressOverflowException">Rounding up passes 2^64 - 1.</exception>
    public GuestAddress AlignUp(ulong alignment)
    {
        ValidateAlignment(alignment);
        ulong mask = alignment - 1;
        if ((Value & mask) == 0)
        {
            return this;
        }

        return Add(mask).AlignDown(alignment);
    }

    private static void ValidateAlignment(ulong alignment)
    {
        if (!BitOperations.IsPow2(alignment))
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Alignment must be a power of two.");
        }
    }

    /// <inheritdoc/>
    public bool Equals(GuestAddress other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GuestAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(GuestAddress other) => Value.CompareTo(other.Value);

    /// <summary>Formats as <c>0x</c> followed by 16 hexadecimal digits.</summary>
    public override string ToString() => "0x" + Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < 18)
        {
            charsWritten = 0;
            return false;
        }

        destination[0] = '0';
        destination[1] = 'x';
        bool ok = Value.TryFormat(destination[2..], out int digits, "x16", CultureInfo.InvariantCulture);
        charsWritten = digits + 2;
        return ok;
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(GuestAddress left, GuestAddress right) => left.Value == right.Value;

    /// <summary>Inequality.</summary>
    public static bool operator !=(GuestAddress left, GuestAddress right) => left.Value != right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator <(GuestAddress left, GuestAddress right) => left.Value < right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator >(GuestAddress left, GuestAddress right) => left.Value > right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator <=(GuestAddress left, GuestAddress right) => left.Value <= right.Value;

    /// <summary>Ordering.</summary>
    public static bool operator >=(GuestAddress left, GuestAddress right) => left.Value >= right.Value;

    /// <summary>Checked addition; see <see cref="Add(ulong)"/>.</summary>
    public static GuestAddress operator +(GuestAddress address, ulong offset) => address.Add(offset);

    /// <summary>Checked subtraction; see <see cref="Subtract(ulong)"/>.</summary>
    public static GuestAddress operator -(GuestAddress address, ulong offset) => address.Subtract(offset);
}
