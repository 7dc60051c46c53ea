using Microsoft.Win32.SafeHandles;
using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// Writes the device-writable part of a <see cref="DescriptorChain"/> sequentially, straight into guest memory,
/// and tracks the bytes written for the used ring's length. Every access checks the buffer's addresses against guest
/// memory; a buffer that is not backed sets <see cref="Faulted"/> and fails the access. A mutable struct: keep it in
/// a local and pass it by reference.
/// </summary>
public struct DescriptorChainWriter
{
    private readonly GuestMemory? _memory;
    private readonly uint _length;
    private ChainCursor _cursor;

    internal DescriptorChainWriter(DescriptorChain chain)
    {
        _memory = chain.DescriptorCount > 0 ? chain.Memory : null;
        _length = chain.WritableLength;
        _cursor = new ChainCursor(chain, chain.ReadableCount, chain.WritableLength);
    }

    /// <summary>The writable bytes left.</summary>
    public readonly uint Remaining => _cursor.Remaining;

    /// <summary>The position in the writable part: bytes written or skipped so far (the used-ring length).</summary>
    public readonly uint BytesWritten => _length - _cursor.Remaining;

    /// <summary>Whether an access met a buffer outside guest memory (<see cref="QueueError.BufferOutOfMemory"/>).</summary>
    public bool Faulted { get; private set; }

    /// <summary>Writes <paramref name="source"/> exactly; false when less room remains (nothing written) or on a fault.</summary>
    public bool TryWrite(ReadOnlySpan<byte> source)
    {
        if ((uint)source.Length > _cursor.Remaining)
        {
            return false;
        }

        while (!source.IsEmpty)
        {
            if (!_cursor.TryCurrent(out var address, out uint available))
            {
                return Fault();
            }

            int n = (int)Math.Min((uint)source.Length, available);
            if (!_memory!.TryWrite(address, source[..n]))
            {
                return Fault();
            }

            _cursor.Advance((uint)n);
            source = source[n..];
        }

        return true;
    }

    /// <summary>Writes an unmanaged value (little-endian layout) exactly.</summary>
    public unsafe bool TryWrite<T>(T value)
        where T : unmanaged => TryWrite(new ReadOnlySpan<byte>(&value, sizeof(T)));

    /// <summary>Moves forward <paramref name="count"/> bytes without writing; false when less room remains.</summary>
    public bool TrySkip(uint count) => _cursor.TrySkip(count);

    /// <summary>
    /// Gets the next contiguous piece of writable guest memory, at most <paramref name="maxLength"/> bytes, marks it dirty
    /// and counts it as written: the caller must fill all of it. False when no room remains or on a fault.
    /// </summary>
    public bool TryGetNextWritableSpan(int maxLength, out Span<byte> span)
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
        if (n == 0 || !_memory!.TryGetWritableSpan(address, n, out var s))
        {
            return Fault();
        }

        span = s;
        _cursor.Advance((uint)n);
        return true;
    }

    /// <summary>
    /// Reads <paramref name="count"/> bytes of <paramref name="file"/> at <paramref name="fileOffset"/> straight into the
    /// writable buffers (pread). False when less room remains (nothing read), on a fault, or at end of file; <paramref name="bytesRead"/> says how far it got.
    /// </summary>
    /// <exception cref="IOException">The read failed.</exception>
    public bool TryReadFrom(SafeFileHandle file, long fileOffset, uint count, out uint bytesRead)
    {
        ArgumentNullException.ThrowIfNull(file);
        bytesRead = 0;
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
            int read;
            try
            {
                read = _memory!.ReadFromFile(file, fileOffset, address, n);
            }
            catch (GuestMemoryException)
            {
                return Fault();
            }

            _cursor.Advance((uint)read);
            bytesRead += (uint)read;
            if (read < n)
            {
                return false;
            }

            fileOffset += n;
            count -= (uint)n;
        }

        return true;
    }

    private bool Fault()
    {
        Faulted = true;
        return false;
    }
}
