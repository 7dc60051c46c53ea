namespace Vmm.Virtio;

/// <summary>Thread-safe counters, one per <see cref="QueueError"/> kind, for observability.</summary>
public sealed class QueueErrorCounters
{
    private readonly long[] _counts = new long[QueueErrorExtensions.Count];

    /// <summary>How many times <paramref name="error"/> was recorded.</summary>
    public long Get(QueueError error) => (uint)error < (uint)_counts.Length ? Volatile.Read(ref _counts[(int)error]) : 0;

    /// <summary>The number of errors recorded, all kinds together.</summary>
    public long Total
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < _counts.Length; i++)
            {
                sum += Volatile.Read(ref _counts[i]);
            }

            return sum;
        }
    }

    /// <summary>Counts one occurrence of <paramref name="error"/> (<see cref="QueueError.None"/> is ignored).</summary>
    public void Record(QueueError error)
    {
        if (error != QueueError.None && (uint)error < (uint)_counts.Length)
        {
            Interlocked.Increment(ref _counts[(int)error]);
        }
    }
}
