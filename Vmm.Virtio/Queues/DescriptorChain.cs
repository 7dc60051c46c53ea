using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// A validated descriptor chain popped from a <see cref="SplitQueue"/>: its device-readable descriptors first, then
/// its device-writable ones, indirect tables already flattened. A view over the queue's snapshot buffer, valid until
/// the next pop on the same queue (a stale chain throws). Buffer addresses are not trusted: the reader and writer
/// check them on every access.
/// </summary>
public readonly struct DescriptorChain
{
    private readonly SplitQueue? _queue;
    private readonly int _generation;

    internal DescriptorChain(SplitQueue queue, int generation, ushort headIndex, bool hasHead, int count, int readableCount, uint readableLength, uint writableLength)
    {
        _queue = queue;
        _generation = generation;
        HeadIndex = headIndex;
        HasUsableHead = hasHead;
        DescriptorCount = count;
        ReadableCount = readableCount;
        ReadableLength = readableLength;
        WritableLength = writableLength;
    }

    /// <summary>The index of the head descriptor: the id to put on the used ring.</summary>
    public ushort HeadIndex { get; }

    /// <summary>Whether <see cref="HeadIndex"/> is below the queue size (false only for a chain whose head was out of range).</summary>
    public bool HasUsableHead { get; }

    /// <summary>The number of buffer descriptors (indirect-table pointers excluded).</summary>
    public int DescriptorCount { get; }

    /// <summary>The number of device-readable descriptors (they come first).</summary>
    public int ReadableCount { get; }

    /// <summary>The total length of the device-readable buffers.</summary>
    public uint ReadableLength { get; }

    /// <summary>The total length of the device-writable buffers.</summary>
    public uint WritableLength { get; }

    /// <summary>The guest memory the buffers are accessed through.</summary>
    public GuestMemory Memory => _queue?.Memory ?? throw new InvalidOperationException("The chain is empty.");

    /// <summary>The descriptors of the chain (readable, then writable).</summary>
    /// <exception cref="InvalidOperationException">The chain is stale.</exception>
    public ReadOnlySpan<Descriptor> Descriptors => _queue is null ? default : _queue.ChainDescriptors(_generation, DescriptorCount);

    /// <summary>A reader over the device-readable part.</summary>
    public DescriptorChainReader CreateReader() => new(this);

    /// <summary>A writer over the device-writable part.</summary>
    public DescriptorChainWriter CreateWriter() => new(this);
}
