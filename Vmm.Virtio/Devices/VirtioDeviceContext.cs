using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>What an activated device works with: guest memory, its ready queues, the negotiated features, and the ways to signal the driver.</summary>
public sealed class VirtioDeviceContext
{
    private readonly IVirtioTransportSink _sink;

    /// <summary>Creates the context a transport hands to <see cref="VirtioDevice.Activate"/> on DRIVER_OK.</summary>
    /// <param name="memory">Guest memory at activation.</param>
    /// <param name="queues">The device's queues by index (ready or not).</param>
    /// <param name="negotiatedFeatures">The features the driver accepted.</param>
    /// <param name="sink">Where the device's signals go.</param>
    public VirtioDeviceContext(GuestMemory memory, IReadOnlyList<SplitQueue> queues, ulong negotiatedFeatures, IVirtioTransportSink sink)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(sink);
        Memory = memory;
        Queues = queues;
        NegotiatedFeatures = negotiatedFeatures;
        _sink = sink;
    }

    /// <summary>Guest memory at activation.</summary>
    public GuestMemory Memory { get; }

    /// <summary>The device's queues, by index (a queue the driver did not set up is not ready).</summary>
    public IReadOnlyList<SplitQueue> Queues { get; }

    /// <summary>The features the driver accepted.</summary>
    public ulong NegotiatedFeatures { get; }

    /// <summary>Whether every bit of <paramref name="mask"/> was negotiated.</summary>
    public bool HasFeatures(ulong mask) => (NegotiatedFeatures & mask) == mask;

    /// <summary>Raises queue <paramref name="queueIndex"/>'s used-buffer interrupt when the driver's suppression settings ask for one (call after adding used entries).</summary>
    public void SignalUsedQueue(int queueIndex)
    {
        if (Queues[queueIndex].NeedsNotification())
        {
            _sink.SignalUsedQueue(queueIndex);
        }
    }

    /// <summary>Bumps the config generation and raises a configuration-change interrupt.</summary>
    public void NotifyConfigChanged() => _sink.ConfigChanged();

    /// <summary>Reports a fatal device error: sets DEVICE_NEEDS_RESET and raises a configuration-change interrupt.</summary>
    public void RequestReset() => _sink.DeviceNeedsReset();
}
