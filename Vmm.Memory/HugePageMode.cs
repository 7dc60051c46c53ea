namespace Vmm.Memory;

/// <summary>How a memory region asks the kernel for huge pages.</summary>
public enum HugePageMode
{
    /// <summary>Ordinary pages.</summary>
    None,

    /// <summary>Transparent huge pages, requested with <c>madvise(MADV_HUGEPAGE)</c>; the kernel may still use small pages.</summary>
    Transparent,

    /// <summary>Pages from hugetlbfs (<c>MAP_HUGETLB</c> / <c>MFD_HUGETLB</c>); creation fails when the pool has none free.</summary>
    HugeTlbFs,
}
