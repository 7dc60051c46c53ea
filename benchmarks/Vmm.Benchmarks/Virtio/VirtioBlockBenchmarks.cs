using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using Vmm.Devices;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Block;
using Vmm.Virtio.Testing;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// virtio-blk IN requests processed device-side (notify → pop → validate → pread into guest memory → status → used ring)
/// against a 64 MiB image in the page cache. Each invocation submits one request for a different offset.
/// </summary>
[MemoryDiagnoser]
public class VirtioBlockBenchmarks
{
    private const long ImageSize = 64 << 20;
    private string _path = "";
    private SafeFileHandle _file = null!;
    private GuestMemory _memory = null!;
    private SimulatedMmioDriver _driver = null!;
    private SimulatedDriverQueue _queue = null!;
    private VirtioMmioTransport _transport = null!;
    private GuestAddress _header;
    private ulong _sector;

    [Params(4096, 65536)]
    public int RequestSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"vmm-bench-{Guid.NewGuid():n}.img");
        _file = File.OpenHandle(_path, FileMode.CreateNew, FileAccess.ReadWrite);
        var chunk = new byte[1 << 20];
        new Random(1).NextBytes(chunk);
        for (long o = 0; o < ImageSize; o += chunk.Length)
        {
            RandomAccess.Write(_file, chunk, o);
        }

        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 4 << 20)]);
        _transport = new VirtioMmioTransport(new VirtioBlock(_file), _memory, new NullInterruptLine());
        _driver = new SimulatedMmioDriver(_transport);
        _queue = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 256);
        _driver.Negotiate(ulong.MaxValue, out _);
        _driver.SetUpQueue(0, _queue);
        _driver.DriverOk();
        _header = _queue.AllocateBuffer(16);
        var data = _queue.AllocateBuffer((uint)RequestSize);
        var status = _queue.AllocateBuffer(1);
        for (ushort i = 0; i < 256; i += 3)
        {
            _queue.WriteDescriptor(i, new Descriptor(_header, 16, DescriptorFlags.Next, (ushort)(i + 1)));
            _queue.WriteDescriptor((ushort)(i + 1), new Descriptor(data, (uint)RequestSize, DescriptorFlags.Next | DescriptorFlags.Write, (ushort)(i + 2)));
            _queue.WriteDescriptor((ushort)(i + 2), new Descriptor(status, 1, DescriptorFlags.Write, 0));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        _memory.DisposeRegions();
        File.Delete(_path);
    }

    [Benchmark]
    public void ReadRequest()
    {
        _memory.Write(_header.Add(8), _sector);
        _sector = (_sector + (ulong)(RequestSize / 512)) % (ulong)((ImageSize - RequestSize) / 512);
        _queue.Publish(0);
        _transport.NotifyQueue(0);
    }
}
