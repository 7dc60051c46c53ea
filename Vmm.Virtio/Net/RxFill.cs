namespace Vmm.Virtio.Net;

/// <summary>What topping up the held receive buffers came to.</summary>
internal enum RxFill
{
    /// <summary>Enough buffers for the largest frame (or as many as can be held).</summary>
    Ready,

    /// <summary>Not enough: wait for the driver to post more.</summary>
    Starved,

    /// <summary>The queue is broken.</summary>
    Fatal,
}
