using System.Runtime.CompilerServices;

namespace Vmm.Memory;

/// <summary>
/// A page-granular bitmap of the pages of one region written through the Vmm.Memory API.
/// Marking is lock-free and safe from any number of threads; <see cref="GetAndReset"/> takes
/// each word atomically, so no mark is lost between a read and a reset.
/// </summary>
public sealed class DirtyBitmap
{
    /// <summary>The page size the bitmap tracks, in bytes.</summary>
    public const int PageSize = 4096;

    private const int PageShift = 12;
    private readonly ulong[] _words;
    private readonly ulong _length;

    /// <summary>Creates a clean bitmap for <paramref name="length"/> bytes of memory.</summary>
    public DirtyBitmap(ulong length)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        _length = length;
        PageCount = (long)((length + PageSize - 1) >> PageShift);
        _words = new ulong[(PageCount + 63) / 64];
    }

    /// <summary>How many pages the bitmap covers.</summary>
    public long PageCount { get; }

    /// <summary>How many 64-bit words <see cref="GetAndReset"/> fills.</summary>
    public int WordCount => _words.Length;

    /// <summary>Marks every page that the byte range [<paramref name="offset"/>, +<paramref name="length"/>) touches.</summary>
    public void Mark(ulong offset, ulong length)
    {
        if (length == 0)
        {
            return;
        }

        if (offset >= _length || length > _length - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"Range [0x{offset:x}, +0x{length:x}) is outside the bitmap's 0x{_length:x} bytes.");
        }

        MarkUnchecked(offset, length);
    }

    /// <summary>Marks the pages of a non-empty range already known to lie inside the bitmap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void MarkUnchecked(ulong offset, ulong length)
    {
        if (length == 0)
        {
            return;
        }

        ulong first = offset >> PageShift;
        ulong last = (offset + length - 1) >> PageShift;
        if (first == last)
        {
            MarkPage(first);
            return;
        }

        for (ulong page = first; page <= last; page++)
        {
            MarkPage(page);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkPage(ulong page)
    {
        ref ulong word = ref _words[page >> 6];
        ulong bit = 1UL << (int)(page & 63);
        // Skip the atomic read-modify-write (and the cache line's exclusive ownership) when the bit is already set.
        if ((Volatile.Read(ref word) & bit) == 0)
        {
            Interlocked.Or(ref word, bit);
        }
    }

    /// <summary>Whether page <paramref name="pageIndex"/> has been written since the last reset.</summary>
    public bool IsDirty(long pageIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pageIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pageIndex, PageCount);
        return (Volatile.Read(ref _words[pageIndex >> 6]) & (1UL << (int)(pageIndex & 63))) != 0;
    }

    /// <summary>The number of dirty pages.</summary>
    public long CountDirty()
    {
        long count = 0;
        foreach (ulong word in _words)
        {
            count += (long)ulong.PopCount(Volatile.Read(in word));
        }

        return count;
    }

    /// <summary>
    /// Copies the bitmap into <paramref name="destination"/> (bit i of word w is page 64·w + i) and clears it, word by word atomically.
    /// </summary>
    public void GetAndReset(Span<ulong> destination)
    {
        if (destination.Length < _words.Length)
        {
            throw new ArgumentException($"The destination needs {_words.Length} words.", nameof(destination));
        }

        for (int i = 0; i < _words.Length; i++)
        {
            destination[i] = Interlocked.Exchange(ref _words[i], 0);
        }
    }

    /// <summary>Clears every bit.</summary>
    public void Reset()
    {
        for (int i = 0; i < _words.Length; i++)
        {
            Interlocked.Exchange(ref _words[i], 0);
        }
    }
}
