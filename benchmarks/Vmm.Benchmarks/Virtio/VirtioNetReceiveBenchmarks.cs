using BenchmarkDotNet.Attributes;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// virtio-net receive, device side: 8192 frames wait in a real tap (queued by an AF_PACKET socket before each
/// iteration, not timed); the device reads each with one readv straight into the guest's mergeable buffers and the
/// driver re-posts them. One operation = one frame.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class VirtioNetReceiveBenchmarks
{
    private const int Frames = 8192;
    private NetBenchmarkRig _rig = null!;

    [Params(64, 1500)]
    public int FrameSize { get; set; }

    [Params(false, true)]
    public bool RateLimited { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new NetBenchmarkRig(FrameSize, RateLimited);

        // Run the receive path enough for tiered compilation to finish before the (single-invocation) iterations start.
        for (int round = 0; round < 20; round++)
        {
            QueueFramesInTheTap();
            Receive();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [IterationSetup]
    public void QueueFramesInTheTap()
    {
        for (int i = 0; i < Frames; i++)
        {
            _rig.Injector.Send(_rig.ToGuest);
        }
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public void Receive() => _rig.Receive(Frames);
}
