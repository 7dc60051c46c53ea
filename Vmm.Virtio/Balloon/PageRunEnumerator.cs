namespace Vmm.Virtio.Balloon;

/// <summary>
/// Walks a sorted list of page frame numbers as maximal runs of consecutive pages, skipping (and counting) duplicates,
/// so that a balloon gives back each run with one call instead of one per page.
/// </summary>
internal ref struct PageRunEnumerator
{
    private readonly ReadOnlySpan<uint> _sorted;
    private int _next;

    /// <summary>Enumerates the runs of <paramref name="sorted"/> (ascending).</summary>
    public PageRunEnumerator(ReadOnlySpan<uint> sorted)
    {
        _sorted = sorted;
    }

    /// <summary>The first page frame number of the current run.</summary>
    public ulong FirstPage { get; private set; }

    /// <summary>The pages in the current run (at least 1).</summary>
    public ulong PageCount { get; private set; }

    /// <summary>The duplicate entries skipped so far.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Moves to the next run; false when the list is used up.</summary>
    public bool MoveNext()
    {
        if (_next >= _sorted.Length)
        {
            return false;
        }

        ulong first = _sorted[_next++];
        ulong last = first;
        while (_next < _sorted.Length)
        {
            ulong page = _sorted[_next];
            if (page == last)
            {
                Duplicates++;
            }
            else if (page == last + 1)
            {
                last = page;
            }
            else
            {
                break;
            }

            _next++;
        }

        FirstPage = first;
        PageCount = last - first + 1;
        return true;
    }
}
