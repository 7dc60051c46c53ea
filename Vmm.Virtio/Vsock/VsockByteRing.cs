using CommunityToolkit.HighPerformance.Buffers;

namespace Vmm.Virtio.Vsock;

/// <summary>
/// A fixed-capacity FIFO of bytes for the guest data a connection could not hand to its host socket at once. The
/// storage is rented from the shared array pool (<see cref="MemoryOwner{T}"/>) on first use and returned when the
/// connection closes, so idle connections hold no buffer and a busy one never holds more than its capacity.
/// </summary>
internal sealed class VsockByteRing : IDisposable
{
    private MemoryOwner<byte>? _storage;
    private int _head;

    /// <summary>Creates an empty ring that will hold at most <paramref name="capacity"/> bytes.</summary>
    public VsockByteRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>The most bytes the ring holds.</summary>
    public int Capacity { get; }

    /// <summary>The bytes held.</summary>
    public int Count { get; private set; }

    /// <summary>The room left.</summary>
    public int Free => Capacity - Count;

    /// <summary>Appends <paramref name="data"/> whole; false (nothing appended) when it does not fit.</summary>
    public bool TryWrite(ReadOnlySpan<byte> data)
    {
        if (data.Length > Free)
        {
            return false;
        }

        if (data.IsEmpty)
        {
            return true;
        }

        var storage = (_storage ??= MemoryOwner<byte>.Allocate(Capacity)).Span;
        int tail = (_head + Count) % Capacity;
        int first = Math.Min(data.Length, Capacity - tail);
        data[..first].CopyTo(storage[tail..]);
        data[first..].CopyTo(storage);
        Count += data.Length;
        return true;
    }

    /// <summary>The oldest bytes held that are contiguous in the storage (empty when the ring is empty).</summary>
    public ReadOnlySpan<byte> PeekContiguous() =>
        Count == 0 ? default : _storage!.Span.Slice(_head, Math.Min(Count, Capacity - _head));

    /// <summary>Drops the oldest <paramref name="count"/> bytes (they were sent).</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        Count -= count;
        _head = Count == 0 ? 0 : (_head + count) % Capacity;
    }

    /// <summary>Empties the ring and returns its storage to the pool.</summary>
    public void Dispose()
    {
        _storage?.Dispose();
        _storage = null;
        _head = 0;
        Count = 0;
    }
}
