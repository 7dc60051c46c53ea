namespace Vmm.Devices;

/// <summary>A fixed-capacity FIFO of bytes: what does not fit is refused, never buffered beyond the bound. Not thread-safe.</summary>
internal sealed class BoundedByteQueue
{
    private readonly byte[] _buffer;
    private int _head;

    public BoundedByteQueue(int capacity) => _buffer = new byte[capacity];

    public int Capacity => _buffer.Length;

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public bool IsFull => Count == _buffer.Length;

    public bool TryEnqueue(byte value)
    {
        if (Count == _buffer.Length)
        {
            return false;
        }

        _buffer[(_head + Count) % _buffer.Length] = value;
        Count++;
        return true;
    }

    public bool TryDequeue(out byte value)
    {
        if (Count == 0)
        {
            value = 0;
            return false;
        }

        value = _buffer[_head];
        _head = (_head + 1) % _buffer.Length;
        Count--;
        return true;
    }

    public byte Peek() => _buffer[_head];

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }

    public byte[] ToArray()
    {
        var copy = new byte[Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = _buffer[(_head + i) % _buffer.Length];
        }

        return copy;
    }
}
