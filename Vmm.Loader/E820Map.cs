using System.Collections.ObjectModel;

namespace Vmm.Loader;

/// <summary>
/// A validated E820 memory map: entries sorted by address, non-empty, none overlapping, adjacent
/// entries of the same type merged, at most <see cref="MaximumEntries"/> (the zero page's capacity).
/// Build one with <see cref="E820MapBuilder"/>.
/// </summary>
public sealed class E820Map
{
    /// <summary>The most entries the zero page holds (<c>E820_MAX_ENTRIES_ZEROPAGE</c>).</summary>
    public const int MaximumEntries = 128;

    internal E820Map(E820Entry[] entries) => Entries = new ReadOnlyCollection<E820Entry>(entries);

    /// <summary>The entries, sorted by address.</summary>
    public IReadOnlyList<E820Entry> Entries { get; }

    /// <summary>The total size of the usable RAM entries.</summary>
    public ulong UsableRam => Entries.Where(e => e.Type == E820Type.Ram).Aggregate(0UL, (sum, e) => sum + e.Size);

    /// <summary>Whether the range lies entirely inside one usable RAM entry.</summary>
    public bool IsUsable(ulong address, ulong length)
    {
        foreach (var e in Entries)
        {
            if (e.Type == E820Type.Ram && address >= e.Address && (UInt128)address + length <= e.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Entries.Select(e => $"[{e.Address:x}+{e.Size:x} {e.Type}]"));
}
