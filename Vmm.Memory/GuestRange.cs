namespace Vmm.Memory;

/// <summary>
/// A range of guest-physical addresses given by its start and length. A non-empty range may
/// end exactly at the top of the address space; it may never wrap past it.
/// </summary>
public readonly struct GuestRange : IEquatable<GuestRange>
{
    /// <summary>Creates a range of <paramref name="length"/> bytes starting at <paramref name="start"/>.</summary>
    /// <exception cref="GuestAddressOverflowException">The range would extend past 2^64 - 1.</exception>
    public GuestRange(GuestAddress start, ulong length)
    {
        if (length != 0 && !start.TryAdd(length - 1, out _))
        {
            throw new GuestAddressOverflowException(start, length);
        }

        Start = start;
        Length = length;
    }

    /// <summary>The first address of the range.</summary>
    public GuestAddress Start { get; }

    /// <summary>The number of bytes in the range.</summary>
    public ulong Length { get; }

    /// <summary>Whether the range holds no byte.</summary>
    public bool IsEmpty => Length == 0;

    /// <summary>The last address inside the range (inclusive).</summary>
    /// <exception cref="InvalidOperationException">The range is empty.</exception>
    public GuestAddress Last => IsEmpty
        ? throw new InvalidOperationException("An empty range has no last address.")
        : new GuestAddress(Start.Value + (Length - 1));

    /// <summary>Tries to create a range, failing instead of throwing when it would wrap.</summary>
    public static bool TryCreate(GuestAddress start, ulong length, out GuestRange range)
    {
        if (length != 0 && !start.TryAdd(length - 1, out _))
        {
            range = default;
            return false;
        }

        range = new GuestRange(start, length);
        return true;
    }

    /// <summary>Gets the first address past the range, unless that is 2^64 (the range reaches the top).</summary>
    public bool TryGetEnd(out GuestAddress end) => Start.TryAdd(Length, out end);

    /// <summary>Whether <paramref name="address"/> lies inside the range.</summary>
    public bool Contains(GuestAddress address) =>
        address.Value >= Start.Value && address.Value - Start.Value < Length;

    /// <summary>Whether <paramref name="other"/> lies entirely inside this range. An empty range is contained where its start is.</summary>
    public bool Contains(GuestRange other)
    {
        if (other.IsEmpty)
        {
            return Contains(other.Start) || (other.Start.Value - Start.Value == Length && other.Start.Value >= Start.Value);
        }

        return !IsEmpty && other.Start.Value >= Start.Value && other.Last.Value <= Last.Value;
    }

    /// <summary>Whether the two ranges share at least one address. Empty ranges overlap nothing.</summary>
    public bool Overlaps(GuestRange other) =>
        !IsEmpty && !other.IsEmpty && Start.Value <= other.Last.Value && other.Start.Value <= Last.Value;

    /// <inheritdoc/>
    public bool Equals(GuestRange other) => Start == other.Start && Length == other.Length;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GuestRange other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Start, Length);

    /// <summary>Formats as <c>[start, +length)</c>.</summary>
    public override string ToString() => $"[{Start}, +0x{Length:x})";

    /// <summary>Equality.</summary>
    public static bool operator ==(GuestRange left, GuestRange right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(GuestRange left, GuestRange right) => !left.Equals(right);
}
