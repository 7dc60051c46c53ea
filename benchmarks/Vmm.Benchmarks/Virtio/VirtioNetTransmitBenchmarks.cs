using BenchmarkDotNet.Attributes;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// virtio-net transmit, device side: the driver publishes 64 one-descriptor chains and notifies; the device validates
/// each header and writes each frame to a real tap with one writev straight from guest memory (the host kernel then
/// drops the test frames). One operation = one frame.
/// </summary>
[MemoryDiagnoser]
public class VirtioNetTransmitBenchmarks
{
    private const int Batch = 64;
    private NetBenchmarkRig _rig = null!;

    [Params(64, 1500)]
    public int FrameSize { get; set; }

    [Params(false, true)]
    public bool RateLimited { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new NetBenchmarkRig(FrameSize, RateLimited);
        for (int i = 0; i < 2000; i++)
        {
            Transmit();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Transmit() => _rig.Transmit(Batch);
}
