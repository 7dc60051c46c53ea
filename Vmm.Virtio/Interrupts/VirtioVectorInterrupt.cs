using Vmm.Devices;

namespace Vmm.Virtio;

/// <summary>
/// Per-queue and configuration-change vectors, as virtio-pci assigns them with MSI-X (VIRTIO 1.2 §4.1.4.3): the driver
/// writes a vector number per queue (queue_msix_vector) and one for configuration changes (config_msix_vector);
/// <see cref="NoVector"/> means "no interrupt". A vector number beyond the table is refused and reads back as
/// <see cref="NoVector"/>, as the specification asks.
/// </summary>
public sealed class VirtioVectorInterrupt : IVirtioInterrupt
{
    /// <summary>VIRTIO_MSI_NO_VECTOR.</summary>
    public const ushort NoVector = 0xffff;

    private readonly IInterruptVectors _vectors;
    private readonly ushort[] _queueVectors;
    private ushort _configVector = NoVector;

    /// <summary>Delivers through <paramref name="vectors"/> for a device of <paramref name="queueCount"/> queues; every vector starts as <see cref="NoVector"/>.</summary>
    public VirtioVectorInterrupt(IInterruptVectors vectors, int queueCount)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfNegative(queueCount);
        _vectors = vectors;
        _queueVectors = new ushort[queueCount];
        _queueVectors.AsSpan().Fill(NoVector);
    }

    /// <summary>The configuration-change vector (writes beyond the table store <see cref="NoVector"/>).</summary>
    public ushort ConfigVector
    {
        get => Volatile.Read(ref _configVector);
        set => Volatile.Write(ref _configVector, Checked(value));
    }

    /// <summary>The vector of queue <paramref name="queueIndex"/>, or <see cref="NoVector"/> for an unknown queue.</summary>
    public ushort GetQueueVector(int queueIndex) =>
        (uint)queueIndex < (uint)_queueVectors.Length ? Volatile.Read(ref _queueVectors[queueIndex]) : NoVector;

    /// <summary>Sets the vector of queue <paramref name="queueIndex"/>; returns the vector stored (<see cref="NoVector"/> when refused).</summary>
    public ushort SetQueueVector(int queueIndex, ushort vector)
    {
        if ((uint)queueIndex >= (uint)_queueVectors.Length)
        {
            return NoVector;
        }

        vector = Checked(vector);
        Volatile.Write(ref _queueVectors[queueIndex], vector);
        return vector;
    }

    /// <summary>Returns every vector to <see cref="NoVector"/> (device reset).</summary>
    public void Reset()
    {
        for (int i = 0; i < _queueVectors.Length; i++)
        {
            Volatile.Write(ref _queueVectors[i], NoVector);
        }

        ConfigVector = NoVector;
    }

    /// <inheritdoc/>
    public void SignalQueue(int queueIndex) => Trigger(GetQueueVector(queueIndex));

    /// <inheritdoc/>
    public void SignalConfigChange() => Trigger(ConfigVector);

    private void Trigger(ushort vector)
    {
        if (vector != NoVector)
        {
            _vectors.Trigger(vector);
        }
    }

    private ushort Checked(ushort vector) => vector < _vectors.VectorCount ? vector : NoVector;
}
