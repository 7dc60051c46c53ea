using Vmm.Virtio.RateLimiting;

namespace Vmm.Virtio.Block;

/// <summary>How a <see cref="VirtioBlock"/> presents its image.</summary>
public sealed record VirtioBlockOptions
{
    /// <summary>Refuse writes, discards and write-zeroes (VIRTIO_BLK_F_RO).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The device ID returned by GET_ID (at most 20 bytes of UTF-8; shorter is zero-padded).</summary>
    public string Serial { get; init; } = "";

    /// <summary>The maximum queue size (a power of two).</summary>
    public ushort QueueSize { get; init; } = 256;

    /// <summary>seg_max: the most data buffers per request.</summary>
    public uint MaxSegments { get; init; } = 254;

    /// <summary>size_max: the largest data buffer in bytes.</summary>
    public uint MaxSegmentSize { get; init; } = 1 << 20;

    /// <summary>Offer DISCARD (punches holes in the image).</summary>
    public bool Discard { get; init; } = true;

    /// <summary>Offer WRITE_ZEROES.</summary>
    public bool WriteZeroes { get; init; } = true;

    /// <summary>Limits on requests (bytes of data and requests per refill time), or null; needs the device event loop for its timer.</summary>
    public RateLimiterOptions? RateLimit { get; init; }

    /// <summary>The clock of the rate limiter (tests pass a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
