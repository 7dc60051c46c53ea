namespace Vmm.Virtio.RateLimiting;

/// <summary>The two buckets of a <see cref="RateLimiter"/>; a null bucket does not limit.</summary>
public sealed record RateLimiterOptions
{
    /// <summary>Bytes (bandwidth): one token per byte.</summary>
    public TokenBucketOptions? Bandwidth { get; init; }

    /// <summary>Operations (frames, requests): one token per operation.</summary>
    public TokenBucketOptions? Operations { get; init; }

    /// <summary>Whether either bucket is set.</summary>
    public bool IsEnabled => Bandwidth is not null || Operations is not null;
}
