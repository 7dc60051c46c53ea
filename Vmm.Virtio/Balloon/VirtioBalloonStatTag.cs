namespace Vmm.Virtio.Balloon;

/// <summary>The tags of struct virtio_balloon_stat (VIRTIO 1.2 §5.5.6.3, plus the ones Linux added later). Memory amounts are in bytes.</summary>
public enum VirtioBalloonStatTag : ushort
{
    /// <summary>VIRTIO_BALLOON_S_SWAP_IN: bytes swapped in.</summary>
    SwapIn = 0,

    /// <summary>VIRTIO_BALLOON_S_SWAP_OUT: bytes swapped out.</summary>
    SwapOut = 1,

    /// <summary>VIRTIO_BALLOON_S_MAJFLT: major page faults.</summary>
    MajorFaults = 2,

    /// <summary>VIRTIO_BALLOON_S_MINFLT: minor page faults.</summary>
    MinorFaults = 3,

    /// <summary>VIRTIO_BALLOON_S_MEMFREE: unused memory.</summary>
    FreeMemory = 4,

    /// <summary>VIRTIO_BALLOON_S_MEMTOT: memory the guest can use.</summary>
    TotalMemory = 5,

    /// <summary>VIRTIO_BALLOON_S_AVAIL: memory available for new work without swapping (an estimate).</summary>
    AvailableMemory = 6,

    /// <summary>VIRTIO_BALLOON_S_CACHES: disk caches that can be reclaimed.</summary>
    DiskCaches = 7,

    /// <summary>VIRTIO_BALLOON_S_HTLB_PGALLOC: successful hugetlb page allocations.</summary>
    HugetlbAllocations = 8,

    /// <summary>VIRTIO_BALLOON_S_HTLB_PGFAIL: failed hugetlb page allocations.</summary>
    HugetlbFailures = 9,

    /// <summary>VIRTIO_BALLOON_S_OOM_KILL: OOM killer invocations.</summary>
    OomKills = 10,

    /// <summary>VIRTIO_BALLOON_S_ALLOC_STALL: allocation stalls.</summary>
    AllocationStalls = 11,

    /// <summary>VIRTIO_BALLOON_S_ASYNC_SCAN: pages scanned by background reclaim.</summary>
    AsyncScans = 12,

    /// <summary>VIRTIO_BALLOON_S_DIRECT_SCAN: pages scanned by direct reclaim.</summary>
    DirectScans = 13,

    /// <summary>VIRTIO_BALLOON_S_ASYNC_RECLAIM: pages reclaimed in the background.</summary>
    AsyncReclaims = 14,

    /// <summary>VIRTIO_BALLOON_S_DIRECT_RECLAIM: pages reclaimed directly.</summary>
    DirectReclaims = 15,
}
