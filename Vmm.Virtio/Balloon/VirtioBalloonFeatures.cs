namespace Vmm.Virtio.Balloon;

/// <summary>virtio-balloon feature bits (VIRTIO 1.2 §5.5.3) as masks.</summary>
public static class VirtioBalloonFeatures
{
    /// <summary>VIRTIO_BALLOON_F_MUST_TELL_HOST: the driver must tell the device before it uses a deflated page (not offered: deflating needs nothing from this device).</summary>
    public const ulong MustTellHost = 1UL << 0;

    /// <summary>VIRTIO_BALLOON_F_STATS_VQ: the statistics queue is present.</summary>
    public const ulong StatsQueue = 1UL << 1;

    /// <summary>VIRTIO_BALLOON_F_DEFLATE_ON_OOM: the driver deflates the balloon when the guest runs out of memory.</summary>
    public const ulong DeflateOnOom = 1UL << 2;

    /// <summary>VIRTIO_BALLOON_F_FREE_PAGE_HINT: the free-page hinting queue (not offered; it serves live migration).</summary>
    public const ulong FreePageHint = 1UL << 3;

    /// <summary>VIRTIO_BALLOON_F_PAGE_POISON: the driver writes a poison value into free pages (not offered).</summary>
    public const ulong PagePoison = 1UL << 4;

    /// <summary>VIRTIO_BALLOON_F_PAGE_REPORTING: the free-page reporting queue is present.</summary>
    public const ulong PageReporting = 1UL << 5;
}
