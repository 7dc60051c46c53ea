using Microsoft.Win32.SafeHandles;
using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// Reads the device-readable part of a <see cref="DescriptorChain"/> sequentially, copying straight from guest
/// memory. Every access checks the buffer's addresses against guest memory; a buffer that is not backed sets
/// <see cref="Faulted"/> and fails the access. A mutable struct: keep it in a local and pass it by reference.
/// </summary>
public struct DescriptorChainReader
{
    private readonly GuestMemory? _memory;
    private readonly uint _length;
    private ChainCursor _cursor;

    internal DescriptorChainReader(DescriptorChain chain)
    {
        _memory = chain.DescriptorCount > 0 ? chain.Memory : null;
        _length = chain.ReadableLength;
        _cursor = new ChainCursor(chain, 0, chain.ReadableLength);
    }

    /// <summary>The readable bytes not consumed yet.</summary>
    public readonly uint Remaining => _cursor.Remaining;

    /// <summary>The bytes consumed so far.</summary>
    public readonly uint Consumed => _length - _cursor.Remaining;

    /// <summary>Whether an access met a buffer outside guest memory (<see cref="QueueError.BufferOutOfMemory"/>).</summary>
    public bool Faulted { get; private set; }

    /// <summary>Fills <paramref name="destination"/> exactly; false when fewer bytes remain (nothing consumed) or on a fault.</summary>
    public bool TryRead(Span<byte> destination)
    {
        if ((uint)destination.Length > _cursor.Remaining)
        {
            return false;
        }

        while (!destination.IsEmpty)
        {
            if (!_cursor.TryCurrent(out var address, out uint available))
            {
                return Fault();
            }

            int n = (int)Math.Min((uint)destination.Length, available);
            if (!_memory!.TryRead(address, destination[..n]))
            {
                return Fault();
            }

            _cursor.Advance((uint)n);
            destination = destination[n..];
        }

        return true;
    }

    /// <summary>Reads an unmanaged value (little-endian layout) exactly.</summary>
    public unsafe bool TryRead<T>(out T value)
        where T : unmanaged
    {
        T local = default;
        bool ok = TryRead(new Span<byte>(&local, sizeof(T)));
        value = ok ? local : default;
        return ok;
    }

    /// <summary>Skips <paramref name="count"/> bytes without touching them; false when fewer remain (nothing skipped).</summary>
    public bool TrySkip(uint count) => _cursor.TrySkip(count);

    /// <summary>
    /// Gets the next contiguous piece of readable guest memory, at most <paramref name="maxLength"/> bytes, and consumes
    /// it. False when nothing remains or on a fault. The span aliases guest memory: the guest may change it concurrently.
    /// </summary>
    public bool TryGetNextSpan(int maxLength, out ReadOnlySpan<byte> span)
    {
        span = default;
        if (_cursor.Remaining == 0 || maxLength <= 0)
        {
            return false;
        }

        if (!_cursor.TryCurrent(out var address, out uint available))
        {
            return Fault();
        }

        int n = ChainCursor.ContiguousLength(_memory!, address, Math.Min(available, (uint)maxLength));
        if (n == 0 || !_memory!.TryGetReadOnlySpan(address, n, out var s))
        {
            return Fault();
        }

        span = s;
        _cursor.Advance((uint)n);
        return true;
    }

    /// <summary>
    /// Writes the next <paramref name="count"/> readable bytes to <paramref name="file"/> at <paramref name="fileOffset"/>
    /// straight from guest memory (pwrite). False when fewer bytes remain (nothing written) or on a fault (a prefix may have been written).
    /// </summary>
    /// <exception cref="IOException">The write failed.</exception>
    public bool TryWriteTo(SafeFileHandle file, long fileOffset, uint count)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (count > _cursor.Remaining)
        {
            return false;
        }

        while (count > 0)
        {
            if (!_cursor.TryCurrent(out var address, out uint available))
            {
                return Fault();
            }

            int n = (int)Math.Min(Math.Min(count, available), 1u << 30);
            try
            {
                _memory!.WriteToFile(file, fileOffset, address, n);
            }
            catch (GuestMemoryException)
            {
                return Fault();
            }

            fileOffset += n;
            count -= (uint)n;
            _cursor.Advance((uint)n);
        }

        return true;
    }

    private bool Fault()
    {
        Faulted = true;
        return false;
    }
}
