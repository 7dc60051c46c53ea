using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Iced.Intel;
using Vmm.Kvm;
using Vmm.Kvm.Interop;
using Vmm.Reference.Machine;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Benchmarks.Kvm;

/// <summary>
/// PIO exits counted as the reference VMM's vCPU threads count them (<c>ExitCounters</c>, linked from Vmm.Reference: each
/// vCPU thread counts into its own block): one
/// VM whose real-mode vCPUs each loop on <c>out dx, al</c> to their own port, run by one thread per vCPU. With two vCPUs both
/// threads exit at once, which is where a counter shared between vCPU threads would contend. Reported per exit, wall time
/// over all exits of the VM.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class CountedPioExitBenchmarks
{
    private const int ExitsPerVcpu = 2000;
    private const int MemorySize = 0x10000;
    private readonly ExitCounters _counters = new();
    private VcpuExitCounters[] _vcpuCounters = [];
    private Vmm.Kvm.Kvm? _kvm;
    private VirtualMachine? _vm;
    private Vcpu[] _vcpus = [];
    private nint _memory;
    private SecondThread? _vcpu1Thread;

    [GlobalSetup]
    public void Setup()
    {
        _kvm = Vmm.Kvm.Kvm.Open();
        _vm = _kvm.CreateVm();
        _memory = Libc.Mmap(0, MemorySize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        _vm.SetUserMemoryRegion(0, 0, MemorySize, _memory);
        _vcpus = [CreateLoopingVcpu(0, 0x7c00, 0x10), CreateLoopingVcpu(1, 0x7d00, 0x12)];
        _vcpuCounters = [_counters.AddVcpu(), _counters.AddVcpu()];
        _vcpu1Thread = new SecondThread("vcpu1", () => RunExits(_vcpus[1], _vcpuCounters[1]));
    }

    /// <summary>One vCPU thread: run, count, check the exit.</summary>
    [Benchmark(OperationsPerInvoke = ExitsPerVcpu)]
    public long OneVcpu() => RunExits(_vcpus[0], _vcpuCounters[0]);

    /// <summary>Two vCPU threads of one VM exiting at once (this thread runs vCPU 0, a second thread vCPU 1).</summary>
    [Benchmark(OperationsPerInvoke = 2 * ExitsPerVcpu)]
    public long TwoVcpus()
    {
        _vcpu1Thread!.Start();
        long sum = RunExits(_vcpus[0], _vcpuCounters[0]);
        return sum + _vcpu1Thread.Wait();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vcpu1Thread?.Dispose();
        foreach (var vcpu in _vcpus)
        {
            vcpu.Dispose();
        }

        _vm?.Dispose();
        _kvm?.Dispose();
        _ = Libc.Munmap(_memory, MemorySize);
    }

    private static long RunExits(Vcpu vcpu, VcpuExitCounters counters)
    {
        long sum = 0;
        for (int i = 0; i < ExitsPerVcpu; i++)
        {
            var exit = vcpu.Run();
            counters.Count(exit.Reason);
            if (exit.Reason != VcpuExitReason.Io)
            {
                throw new InvalidOperationException($"unexpected exit {exit.Reason}");
            }

            sum += exit.IoPort;
        }

        return sum;
    }

    private unsafe Vcpu CreateLoopingVcpu(uint id, ushort codeAddress, ushort port)
    {
        var a = new Assembler(16);
        var top = a.CreateLabel();
        a.mov(dx, port);
        a.Label(ref top);
        a.@out(dx, al);
        a.jmp(top);
        using var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), codeAddress);
        ms.ToArray().CopyTo(new Span<byte>((byte*)_memory + codeAddress, (int)ms.Length));
        var vcpu = _vm!.CreateVcpu(id);
        var s = vcpu.GetSpecialRegisters();
        s.Cs.Base = 0;
        s.Cs.Selector = 0;
        vcpu.SetSpecialRegisters(s);
        vcpu.SetRegisters(new Registers { Rip = codeAddress, Rflags = 2, Rsp = 0x7000 });
        return vcpu;
    }
}
