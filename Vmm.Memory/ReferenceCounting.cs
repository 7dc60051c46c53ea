namespace Vmm.Memory;

/// <summary>Lock-free reference counting that never revives a count once it reached zero.</summary>
internal static class ReferenceCounting
{
    /// <summary>Adds one to <paramref name="count"/> unless it is zero; true when it did.</summary>
    public static bool TryAdd(ref int count)
    {
        int current = Volatile.Read(ref count);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref count, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>
    /// Removes one from <paramref name="count"/> unless it is zero (then false: a release too many);
    /// <paramref name="last"/> says whether it just reached zero.
    /// </summary>
    public static bool TryRemove(ref int count, out bool last)
    {
        int current = Volatile.Read(ref count);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref count, current - 1, current);
            if (seen == current)
            {
                last = current == 1;
                return true;
            }

            current = seen;
        }

        last = false;
        return false;
    }
}
