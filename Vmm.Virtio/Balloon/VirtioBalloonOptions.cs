namespace Vmm.Virtio.Balloon;

/// <summary>How a <see cref="VirtioBalloon"/> is set up.</summary>
public sealed record VirtioBalloonOptions
{
    /// <summary>The balloon size the device asks for at start, in 4 KiB pages (num_pages); change it later with <see cref="VirtioBalloon.SetTargetPages"/>.</summary>
    public uint TargetPages { get; init; }

    /// <summary>Offer VIRTIO_BALLOON_F_DEFLATE_ON_OOM: the guest deflates the balloon instead of killing processes when it runs out of memory.</summary>
    public bool DeflateOnOom { get; init; }

    /// <summary>
    /// How often the device asks the guest for fresh statistics. <see cref="TimeSpan.Zero"/> (the default) leaves the
    /// statistics queue out; a positive interval offers it and needs an event loop for the timer.
    /// </summary>
    public TimeSpan StatisticsInterval { get; init; }

    /// <summary>Offer VIRTIO_BALLOON_F_PAGE_REPORTING: the guest reports free memory blocks, which the device gives back to the host.</summary>
    public bool FreePageReporting { get; init; }

    /// <summary>The size of every queue (a power of two; at least 32 with free-page reporting, which Linux needs).</summary>
    public ushort QueueSize { get; init; } = 256;
}
