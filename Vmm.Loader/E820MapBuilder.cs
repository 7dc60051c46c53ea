using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// Builds an <see cref="E820Map"/> from guest RAM ranges and reserved ranges: usable entries cover
/// exactly the RAM minus the reserved ranges, reserved entries cover the reserved ranges (also where
/// there is no RAM, e.g. an MMIO window the guest must not claim).
/// </summary>
public sealed class E820MapBuilder
{
    /// <summary>The top of conventional memory usable by the guest (640 KiB minus the 1 KiB EBDA).</summary>
    public const ulong ConventionalMemoryEnd = 0x9fc00;

    /// <summary>The start of high memory: [<see cref="ConventionalMemoryEnd"/>, 1 MiB) is EBDA, VGA and BIOS area.</summary>
    public const ulong HighMemoryStart = 0x100000;

    private readonly List<(UInt128 Start, UInt128 End)> _ram = [];
    private readonly List<(UInt128 Start, UInt128 End)> _reserved = [];

    /// <summary>
    /// A builder with the RAM of <paramref name="memory"/> and, when RAM covers it, the legacy
    /// BIOS area [0x9fc00, 1 MiB) reserved (the EBDA holding the MP table, VGA hole, BIOS ROM with the RSDP).
    /// </summary>
    public static E820MapBuilder FromGuestMemory(GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        return FromGuestMemoryLayout(memory.Regions.Select(r => r.Range));
    }

    /// <summary>
    /// A builder with the given RAM ranges and, when RAM covers it, the legacy BIOS area reserved
    /// (as <see cref="FromGuestMemory"/> does, for a layout not yet allocated).
    /// </summary>
    public static E820MapBuilder FromGuestMemoryLayout(IEnumerable<GuestRange> ramRanges)
    {
        ArgumentNullException.ThrowIfNull(ramRanges);
        var builder = new E820MapBuilder();
        bool coversBiosArea = false;
        foreach (var range in ramRanges)
        {
            builder.AddRam(range);
            coversBiosArea |= range.Contains(new GuestAddress(ConventionalMemoryEnd));
        }

        if (coversBiosArea)
        {
            builder.AddReserved(new GuestRange(new GuestAddress(ConventionalMemoryEnd), HighMemoryStart - ConventionalMemoryEnd));
        }

        return builder;
    }

    /// <summary>Adds a RAM range (ranges may touch or overlap; they are merged).</summary>
    public E820MapBuilder AddRam(GuestRange range)
    {
        if (!range.IsEmpty)
        {
            _ram.Add((range.Start.Value, (UInt128)range.Start.Value + range.Length));
        }

        return this;
    }

    /// <summary>Adds a reserved range; it is taken out of the usable RAM.</summary>
    public E820MapBuilder AddReserved(GuestRange range)
    {
        if (!range.IsEmpty)
        {
            _reserved.Add((range.Start.Value, (UInt128)range.Start.Value + range.Length));
        }

        return this;
    }

    /// <summary>Builds the map.</summary>
    /// <exception cref="BootConfigurationException">No usable RAM, or more than 128 entries.</exception>
    public E820Map Build()
    {
        var ram = Merge(_ram);
        var reserved = Merge(_reserved);
        var entries = new List<E820Entry>();
        foreach (var r in reserved)
        {
            entries.Add(Entry(r.Start, r.End, E820Type.Reserved));
        }

        foreach (var r in ram)
        {
            var start = r.Start;
            foreach (var hole in reserved)
            {
                if (hole.End <= start || hole.Start >= r.End)
                {
                    continue;
                }

                if (hole.Start > start)
                {
                    entries.Add(Entry(start, hole.Start, E820Type.Ram));
                }

                start = UInt128.Max(start, hole.End);
            }

            if (start < r.End)
            {
                entries.Add(Entry(start, r.End, E820Type.Ram));
            }
        }

        entries.Sort((a, b) => a.Address.CompareTo(b.Address));
        if (!entries.Exists(e => e.Type == E820Type.Ram))
        {
            throw new BootConfigurationException("E820: no usable RAM is left after the reserved ranges.");
        }

        if (entries.Count > E820Map.MaximumEntries)
        {
            throw new BootConfigurationException($"E820: {entries.Count} entries exceed the zero page's {E820Map.MaximumEntries}.");
        }

        return new E820Map([.. entries]);
    }

    private static E820Entry Entry(UInt128 start, UInt128 end, E820Type type) =>
        end - start > ulong.MaxValue
            ? throw new BootConfigurationException("E820: a range spans the whole 64-bit address space.")
            : new((ulong)start, (ulong)(end - start), type);

    private static List<(UInt128 Start, UInt128 End)> Merge(List<(UInt128 Start, UInt128 End)> ranges)
    {
        var sorted = ranges.OrderBy(r => r.Start).ToList();
        var merged = new List<(UInt128 Start, UInt128 End)>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, UInt128.Max(merged[^1].End, r.End));
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged;
    }
}
