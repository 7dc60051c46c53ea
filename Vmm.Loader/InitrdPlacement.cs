using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>Chooses where the initrd goes: as high as allowed, page aligned, in usable RAM, clear of the kernel.</summary>
public static class InitrdPlacement
{
    /// <summary>The initrd's alignment.</summary>
    public const ulong Alignment = 4096;

    /// <summary>
    /// The highest page-aligned address where <paramref name="size"/> bytes fit in one usable E820
    /// entry, end at or below <paramref name="highestAddress"/> (inclusive) and below 4 GiB, start at
    /// or above 1 MiB, and overlap none of <paramref name="avoid"/>.
    /// </summary>
    /// <exception cref="BootConfigurationException">No such place.</exception>
    public static GuestAddress Find(E820Map map, ulong size, ulong highestAddress, params ReadOnlySpan<GuestRange> avoid)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfZero(size);
        UInt128 limit = UInt128.Min((UInt128)highestAddress + 1, BootLayout.Mmio32GapEnd);
        for (int i = map.Entries.Count - 1; i >= 0; i--)
        {
            var e = map.Entries[i];
            if (e.Type != E820Type.Ram)
            {
                continue;
            }

            UInt128 low = UInt128.Max(e.Address, E820MapBuilder.HighMemoryStart);
            UInt128 end = UInt128.Min(e.End, limit);
            // Each pass either succeeds, gives up on this entry, or moves the end below an avoided
            // range's start, so the loop runs at most avoid.Length + 1 times.
            for (int pass = 0; pass <= avoid.Length; pass++)
            {
                if (end < low + size)
                {
                    break;
                }

                UInt128 start = (end - size) / Alignment * Alignment;
                if (start < low)
                {
                    break;
                }

                int hit = -1;
                for (int a = 0; a < avoid.Length; a++)
                {
                    if (!avoid[a].IsEmpty && start < (UInt128)avoid[a].Start.Value + avoid[a].Length && avoid[a].Start.Value < start + size)
                    {
                        hit = a;
                        break;
                    }
                }

                if (hit < 0)
                {
                    return new GuestAddress((ulong)start);
                }

                end = avoid[hit].Start.Value;
            }
        }

        throw new BootConfigurationException($"Initrd of 0x{size:x} bytes does not fit below 0x{highestAddress:x} in usable RAM ({map}) clear of the kernel.");
    }
}
