using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// The VM's exit counters: one <see cref="VcpuExitCounters"/> block per vCPU thread, which counts without locks,
/// interlocked operations or allocation; reading sums the blocks.
/// </summary>
internal sealed class ExitCounters
{
    private readonly Lock _lock = new();
    private VcpuExitCounters[] _vcpus = [];

    /// <summary>A new block for one vCPU thread, included in every later <see cref="Snapshot"/>.</summary>
    public VcpuExitCounters AddVcpu()
    {
        var counters = new VcpuExitCounters();
        lock (_lock)
        {
            _vcpus = [.. _vcpus, counters];
        }

        return counters;
    }

    /// <summary>The non-zero totals over all vCPUs: exit reasons in KVM_EXIT_* order (lower-case names), then accesses no device answered.</summary>
    public IEnumerable<(string Name, long Count)> Snapshot()
    {
        var vcpus = Volatile.Read(ref _vcpus);
        for (int i = 0; i < VcpuExitCounters.ReasonSlots; i++)
        {
            long n = 0;
            foreach (var vcpu in vcpus)
            {
                n += vcpu.ExitsFor(i);
            }

            if (n != 0)
            {
                yield return (((VcpuExitReason)i).ToString().ToLowerInvariant(), n);
            }
        }

        long unhandledPio = vcpus.Sum(v => v.UnhandledPio);
        if (unhandledPio != 0)
        {
            yield return ("pio-no-device", unhandledPio);
        }

        long unhandledMmio = vcpus.Sum(v => v.UnhandledMmio);
        if (unhandledMmio != 0)
        {
            yield return ("mmio-no-device", unhandledMmio);
        }
    }
}
