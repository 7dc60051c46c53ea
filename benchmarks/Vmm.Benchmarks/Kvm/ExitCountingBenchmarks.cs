using BenchmarkDotNet.Attributes;
using Vmm.Kvm;
using Vmm.Reference.Machine;

namespace Vmm.Benchmarks.Kvm;

/// <summary>
/// The reference VMM's exit counting alone (<c>ExitCounters</c>, linked from Vmm.Reference), without KVM: one thread, or
/// two threads counting at once as two vCPU threads do after each exit. Reported per count.
/// </summary>
[MemoryDiagnoser]
public class ExitCountingBenchmarks
{
    private const int CountsPerThread = 1 << 20;
    private readonly ExitCounters _counters = new();
    private VcpuExitCounters[] _vcpuCounters = [];
    private SecondThread? _second;

    [GlobalSetup]
    public void Setup()
    {
        _vcpuCounters = [_counters.AddVcpu(), _counters.AddVcpu()];
        _second = new SecondThread("vcpu1", () => CountExits(_vcpuCounters[1]));
    }

    /// <summary>One vCPU thread counting.</summary>
    [Benchmark(OperationsPerInvoke = CountsPerThread)]
    public long OneThread() => CountExits(_vcpuCounters[0]);

    /// <summary>Two vCPU threads counting at once.</summary>
    [Benchmark(OperationsPerInvoke = 2 * CountsPerThread)]
    public long TwoThreads()
    {
        _second!.Start();
        long n = CountExits(_vcpuCounters[0]);
        return n + _second.Wait();
    }

    [GlobalCleanup]
    public void Cleanup() => _second?.Dispose();

    private static long CountExits(VcpuExitCounters counters)
    {
        for (int i = 0; i < CountsPerThread; i++)
        {
            counters.Count(VcpuExitReason.Io);
        }

        return CountsPerThread;
    }
}
