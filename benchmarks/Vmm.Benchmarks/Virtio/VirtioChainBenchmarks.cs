using BenchmarkDotNet.Attributes;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Testing;

namespace Vmm.Benchmarks.Virtio;

/// <summary>Pop, parse and consume a 3-descriptor chain (16-byte header, 512-byte data, 1-byte status), then complete it.</summary>
[MemoryDiagnoser]
public class VirtioChainBenchmarks
{
    private GuestMemory _memory = null!;
    private SplitQueue _queue = null!;
    private SimulatedDriverQueue _driver = null!;
    private readonly byte[] _header = new byte[16];

    [GlobalSetup]
    public void Setup()
    {
        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        _queue = new SplitQueue(256);
        _driver = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), 256);
        _driver.Configure(_queue);
        _queue.TryMakeReady(_memory, out _);
        var header = _driver.AllocateBuffer(16);
        var data = _driver.AllocateBuffer(512);
        var status = _driver.AllocateBuffer(1);
        _driver.AddChain(new(header, 16, false), new(data, 512, true), new(status, 1, true));
        _queue.TryPop(out var chain, out _);
        _queue.AddUsed(chain.HeadIndex, 0);
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.DisposeRegions();

    [Benchmark]
    public uint PopParseConsumeComplete()
    {
        _driver.Publish(0);
        _queue.TryPop(out var chain, out _);
        var reader = chain.CreateReader();
        reader.TryRead(_header);
        var writer = chain.CreateWriter();
        writer.TrySkip(512);
        writer.TryWrite((byte)0);
        _queue.AddUsed(chain.HeadIndex, writer.BytesWritten);
        return writer.BytesWritten;
    }
}
