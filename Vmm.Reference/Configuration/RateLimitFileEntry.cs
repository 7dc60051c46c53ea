using Vmm.Virtio.RateLimiting;

namespace Vmm.Reference.Configuration;

/// <summary>A rate limiter in the JSON config (Firecracker's shape): a bandwidth bucket and an operations bucket, each optional.</summary>
internal sealed class RateLimitFileEntry
{
    public TokenBucketFileEntry? Bandwidth { get; set; }

    public TokenBucketFileEntry? Ops { get; set; }

    public RateLimiterOptions? ToOptions(string what) =>
        Bandwidth is null && Ops is null
            ? null
            : new RateLimiterOptions { Bandwidth = Bandwidth?.ToOptions($"{what}.bandwidth"), Operations = Ops?.ToOptions($"{what}.ops") };
}
