using Vmm.Virtio.RateLimiting;

namespace Vmm.Virtio.Net;

/// <summary>How a <see cref="VirtioNet"/> presents itself and how fast it may go.</summary>
public sealed record VirtioNetOptions
{
    /// <summary>The MAC address the driver reads (VIRTIO_NET_F_MAC); null: a random locally administered one.</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>The maximum size of each queue (a power of two).</summary>
    public ushort QueueSize { get; init; } = 256;

    /// <summary>Limits on received frames (host → guest), or null.</summary>
    public RateLimiterOptions? ReceiveRateLimit { get; init; }

    /// <summary>Limits on transmitted frames (guest → host), or null.</summary>
    public RateLimiterOptions? TransmitRateLimit { get; init; }

    /// <summary>The clock of the rate limiters (tests pass a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
