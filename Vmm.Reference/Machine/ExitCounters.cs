using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>Per-exit-reason counters, incremented on vCPU threads without locks or allocation.</summary>
internal sealed class ExitCounters
{
    private readonly long[] _counts = new long[64];
    private long _unhandledPio;
    private long _unhandledMmio;

    public void Count(VcpuExitReason reason)
    {
        int index = (int)reason;
        if ((uint)index < (uint)_counts.Length)
        {
            Interlocked.Increment(ref _counts[index]);
        }
    }

    public void CountUnhandledPio() => Interlocked.Increment(ref _unhandledPio);

    public void CountUnhandledMmio() => Interlocked.Increment(ref _unhandledMmio);

    public IEnumerable<(string Name, long Count)> Snapshot()
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            long n = Interlocked.Read(ref _counts[i]);
            if (n != 0)
            {
                yield return (((VcpuExitReason)i).ToString().ToLowerInvariant(), n);
            }
        }

        if (_unhandledPio != 0)
        {
            yield return ("pio-no-device", _unhandledPio);
        }

        if (_unhandledMmio != 0)
        {
            yield return ("mmio-no-device", _unhandledMmio);
        }
    }
}
