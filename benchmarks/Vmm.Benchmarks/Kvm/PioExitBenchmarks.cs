using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Iced.Intel;
using Vmm.Kvm;
using Vmm.Kvm.Interop;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Benchmarks.Kvm;

/// <summary>
/// Round trip of a PIO exit handled in userspace: a real-mode guest loops on <c>in al, 0x11; out 0x10, al</c>; the VMM answers
/// the IN. Compare with <c>benchmarks/kvm-floor/run.sh</c> (the same loop through raw ioctls in C).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class PioExitBenchmarks
{
    private const int ExitsPerInvoke = 2000;
    private Vmm.Kvm.Kvm? _kvm;
    private VirtualMachine? _vm;
    private Vcpu? _vcpu;
    private nint _memory;

    [GlobalSetup]
    public unsafe void Setup()
    {
        _kvm = Vmm.Kvm.Kvm.Open();
        _vm = _kvm.CreateVm();
        _memory = Libc.Mmap(0, 0x10000, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        var a = new Assembler(16);
        var top = a.CreateLabel();
        a.Label(ref top);
        a.@in(al, 0x11);
        a.@out(0x10, al);
        a.jmp(top);
        using var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), 0x7c00);
        ms.ToArray().CopyTo(new Span<byte>((byte*)_memory + 0x7c00, (int)ms.Length));
        _vm.SetUserMemoryRegion(0, 0, 0x10000, _memory);
        _vcpu = _vm.CreateVcpu(0);
        var s = _vcpu.GetSpecialRegisters();
        s.Cs.Base = 0;
        s.Cs.Selector = 0;
        _vcpu.SetSpecialRegisters(s);
        _vcpu.SetRegisters(new Registers { Rip = 0x7c00, Rflags = 2, Rsp = 0x7000 });
    }

    [Benchmark(OperationsPerInvoke = ExitsPerInvoke)]
    public long PioExitRoundTrip()
    {
        var vcpu = _vcpu!;
        long sum = 0;
        for (var i = 0; i < ExitsPerInvoke; i++)
        {
            var exit = vcpu.Run();
            if (exit.Reason != VcpuExitReason.Io)
            {
                throw new InvalidOperationException("unexpected exit");
            }

            if (exit.IoDirection == IoDirection.In)
            {
                exit.IoData[0] = (byte)i;
            }
            else
            {
                sum += exit.IoData[0];
            }
        }

        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vcpu?.Dispose();
        _vm?.Dispose();
        _kvm?.Dispose();
        _ = Libc.Munmap(_memory, 0x10000);
    }
}
