namespace Vmm.Virtio.Balloon;

/// <summary>What <see cref="GuestPageRanges.Apply"/> did with a range, in bytes (page multiples).</summary>
internal struct PageTally
{
    /// <summary>Bytes inside guest RAM that were given back (or, when only validating, found in RAM).</summary>
    public ulong Accepted;

    /// <summary>Bytes outside guest RAM or in memory that cannot be given back (read-only, a mapped file, hugetlbfs).</summary>
    public ulong Refused;

    /// <summary>Bytes whose madvise failed.</summary>
    public ulong Failed;

    /// <summary>madvise calls made.</summary>
    public long Calls;
}
