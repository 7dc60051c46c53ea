using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmm.Virtio.Interop;

namespace Vmm.Virtio.Net;

/// <summary>
/// The receive chains the device has popped and not yet filled, held as one iovec list over guest memory (host
/// pointers resolved and bounds-checked when the chain was popped, pages marked dirty then), so that one readv(2)
/// from the tap lands a frame straight in the guest's buffers, spanning as many chains as it needs (MRG_RXBUF).
/// Bounded: at most the queue size in chains and <see cref="MaxPieces"/> pieces. One more piece always follows them:
/// a one-byte sink outside guest memory, because the tap returns only the bytes it copied — a frame that reaches the
/// sink did not fit, and is dropped rather than delivered cut short.
/// </summary>
internal sealed unsafe class RxBufferList
{
    /// <summary>The pieces the chains may take: IOV_MAX (1024) less the sink.</summary>
    internal const int MaxPieces = 1023;

    private readonly Iovec[] _pieces = GC.AllocateArray<Iovec>(MaxPieces + 1, pinned: true);
    private readonly byte[] _sink = GC.AllocateArray<byte>(1, pinned: true);
    private readonly ushort[] _heads;
    private readonly uint[] _lengths;
    private readonly int[] _pieceEnds;
    private int _pieceCount;

    internal RxBufferList(int maxChains)
    {
        _heads = new ushort[maxChains];
        _lengths = new uint[maxChains];
        _pieceEnds = new int[maxChains];
    }

    /// <summary>The chains held.</summary>
    internal int ChainCount { get; private set; }

    /// <summary>The bytes the held chains can take.</summary>
    internal long Capacity { get; private set; }

    /// <summary>Whether another chain fits (a chain slot and at least one piece).</summary>
    internal bool HasRoom => ChainCount < _heads.Length && _pieceCount < MaxPieces;

    /// <summary>The iovec list over every held chain, in order, then the sink (<see cref="PieceCountWithSink"/> entries).</summary>
    internal Iovec* Pieces => (Iovec*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_pieces));

    /// <summary>The number of pieces with the sink after them: a read of more than <see cref="Capacity"/> bytes was truncated.</summary>
    internal int PieceCountWithSink
    {
        get
        {
            _pieces[_pieceCount] = new Iovec((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_sink)), 1);
            return _pieceCount + 1;
        }
    }

    /// <summary>
    /// Holds the writable part of <paramref name="chain"/> (as much of it as fits in the pieces left). False when the
    /// chain is unusable — a buffer outside guest memory or fewer than a header's bytes — and nothing is held.
    /// </summary>
    internal bool TryAdd(in DescriptorChain chain)
    {
        if (!HasRoom || chain.WritableLength < VirtioNetHeader.Size)
        {
            return false;
        }

        var writer = chain.CreateWriter();
        int start = _pieceCount;
        long length = 0;
        while (_pieceCount < MaxPieces && writer.TryGetNextWritableSpan(int.MaxValue, out var span))
        {
            _pieces[_pieceCount++] = new Iovec((nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)), (nuint)span.Length);
            length += span.Length;
        }

        if (writer.Faulted || length < VirtioNetHeader.Size)
        {
            _pieceCount = start;
            return false;
        }

        _heads[ChainCount] = chain.HeadIndex;
        _lengths[ChainCount] = (uint)length;
        _pieceEnds[ChainCount] = _pieceCount;
        ChainCount++;
        Capacity += length;
        return true;
    }

    /// <summary>The head index of held chain <paramref name="index"/>.</summary>
    internal ushort Head(int index) => _heads[index];

    /// <summary>The usable length of held chain <paramref name="index"/>.</summary>
    internal uint Length(int index) => _lengths[index];

    /// <summary>How many held chains, from the first, a frame of <paramref name="bytes"/> fills (0 when they are too small).</summary>
    internal int ChainsFor(long bytes)
    {
        long total = 0;
        for (int i = 0; i < ChainCount; i++)
        {
            total += _lengths[i];
            if (total >= bytes)
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>Stores <paramref name="value"/> at byte <paramref name="offset"/> of the frame area (little-endian, possibly across pieces).</summary>
    internal void WriteUInt16(int offset, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        WriteBytes(offset, bytes);
    }

    /// <summary>Stores <paramref name="bytes"/> at byte <paramref name="offset"/> of the frame area (within the held capacity).</summary>
    internal void WriteBytes(int offset, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < _pieceCount && !bytes.IsEmpty; i++)
        {
            var piece = _pieces[i];
            if ((ulong)offset >= piece.Length)
            {
                offset -= (int)piece.Length;
                continue;
            }

            int n = (int)Math.Min((ulong)bytes.Length, piece.Length - (ulong)offset);
            bytes[..n].CopyTo(new Span<byte>((byte*)piece.Base + offset, n));
            bytes = bytes[n..];
            offset = 0;
        }
    }

    /// <summary>Forgets the first <paramref name="count"/> chains (their frame was delivered).</summary>
    internal void RemoveFirst(int count)
    {
        int pieces = _pieceEnds[count - 1];
        long removed = 0;
        for (int i = 0; i < count; i++)
        {
            removed += _lengths[i];
        }

        int remaining = ChainCount - count;
        Array.Copy(_pieces, pieces, _pieces, 0, _pieceCount - pieces);
        Array.Copy(_heads, count, _heads, 0, remaining);
        Array.Copy(_lengths, count, _lengths, 0, remaining);
        for (int i = 0; i < remaining; i++)
        {
            _pieceEnds[i] = _pieceEnds[i + count] - pieces;
        }

        _pieceCount -= pieces;
        ChainCount = remaining;
        Capacity -= removed;
    }

    /// <summary>Drops every held chain (device reset: the guest's buffers are gone with the queue).</summary>
    internal void Clear()
    {
        _pieceCount = 0;
        ChainCount = 0;
        Capacity = 0;
    }
}
