using Vmm.Virtio.RateLimiting;

namespace Vmm.Reference.Configuration;

/// <summary>One token bucket in the JSON config: size in tokens, refill time in milliseconds, optional one-time burst.</summary>
internal sealed class TokenBucketFileEntry
{
    public long Size { get; set; }

    public long RefillTimeMs { get; set; }

    public long OneTimeBurst { get; set; }

    public TokenBucketOptions ToOptions(string what) =>
        Size <= 0 || RefillTimeMs <= 0 || OneTimeBurst < 0
            ? throw new FormatException($"\"{what}\" needs a positive \"size\" and \"refillTimeMs\" (and a \"oneTimeBurst\" of 0 or more)")
            : new TokenBucketOptions(Size, TimeSpan.FromMilliseconds(RefillTimeMs), OneTimeBurst);
}
