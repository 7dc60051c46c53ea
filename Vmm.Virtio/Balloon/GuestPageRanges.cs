using Vmm.Memory;

namespace Vmm.Virtio.Balloon;

/// <summary>Maps guest-physical page ranges onto guest memory's regions and gives their host pages back.</summary>
internal static class GuestPageRanges
{
    /// <summary>log2 of the balloon's page size (VIRTIO_BALLOON_PFN_SHIFT): page frame numbers count 4 KiB pages whatever the guest's page size.</summary>
    public const int PageShift = 12;

    /// <summary>The balloon's page size.</summary>
    public const ulong PageSize = 1UL << PageShift;

    /// <summary>
    /// Walks [<paramref name="address"/>, +<paramref name="length"/>) (page-aligned, not wrapping) region by region:
    /// each piece inside a region is given back to the host with one <see cref="MemoryRegion.TryDiscard"/> call when
    /// <paramref name="discard"/> is set (or only counted as accepted otherwise); pieces in holes are refused without
    /// touching anything. Work is one step per region or hole, whatever the length.
    /// </summary>
    public static void Apply(GuestMemory memory, ulong address, ulong length, bool discard, ref PageTally tally)
    {
        while (length > 0)
        {
            if (!memory.TryFindRegion(new GuestAddress(address), out var region))
            {
                ulong hole = HoleLength(memory, address, length);
                tally.Refused += hole;
                length -= hole;
                address += hole;
                continue;
            }

            ulong piece = Math.Min(length, region.LastAddress.Value - address + 1);
            if (!discard)
            {
                tally.Accepted += piece;
            }
            else
            {
                tally.Calls++;
                try
                {
                    if (region.TryDiscard(address - region.GuestBase.Value, piece))
                    {
                        tally.Accepted += piece;
                    }
                    else
                    {
                        tally.Refused += piece;
                    }
                }
                catch (IOException)
                {
                    tally.Failed += piece;
                }
            }

            length -= piece;
            if (length == 0)
            {
                break;
            }

            address += piece;
        }
    }

    /// <summary>The bytes from <paramref name="address"/> (in no region) to the next region, at most <paramref name="length"/>.</summary>
    private static ulong HoleLength(GuestMemory memory, ulong address, ulong length)
    {
        var regions = memory.Regions;
        for (int i = 0; i < regions.Count; i++)
        {
            ulong start = regions[i].GuestBase.Value;
            if (start > address)
            {
                return Math.Min(length, start - address);
            }
        }

        return length;
    }
}
