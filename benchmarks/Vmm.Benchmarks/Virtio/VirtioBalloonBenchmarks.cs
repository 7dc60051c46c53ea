using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Vmm.Devices;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Balloon;
using Vmm.Virtio.Testing;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// virtio-balloon device-side costs: one inflate request of 256 page numbers (what Linux's fill_balloon sends) as a
/// contiguous descending run (sorted into one madvise) or scattered every other page (256 madvise calls), over 64 MiB
/// of guest RAM whose pages are already given back (so the figure is the device and the system calls, not page
/// faults); and one statistics report (10 entries) parsed and the previous buffer returned.
/// </summary>
[MemoryDiagnoser]
public class VirtioBalloonBenchmarks
{
    private const ulong RamBase = 16 << 20;
    private GuestMemory _memory = null!;
    private VirtioMmioTransport _transport = null!;
    private SimulatedDriverQueue _inflate = null!;
    private SimulatedDriverQueue _stats = null!;

    [Params(false, true)]
    public bool Scattered { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 8 << 20), new GuestRange(new GuestAddress(RamBase), 64 << 20)]);
        var events = new NoTimers();
        _transport = new VirtioMmioTransport(new VirtioBalloon(new VirtioBalloonOptions { StatisticsInterval = TimeSpan.FromDays(1) }, events), _memory, new NullInterruptLine());
        var driver = new SimulatedMmioDriver(_transport);
        driver.Negotiate(ulong.MaxValue, out _);
        _inflate = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), 256);
        _stats = new SimulatedDriverQueue(_memory, new GuestAddress(0x40_1000), 256);
        driver.SetUpQueue(VirtioBalloon.InflateQueue, _inflate);
        driver.SetUpQueue(VirtioBalloon.DeflateQueue, new SimulatedDriverQueue(_memory, new GuestAddress(0x20_1000), 256));
        driver.SetUpQueue(2, _stats);
        driver.DriverOk();

        var pages = _inflate.AllocateBuffer(256 * 4);
        for (int i = 0; i < 256; i++)
        {
            uint page = (uint)(RamBase / 4096) + (Scattered ? (uint)(2 * i) : (uint)(255 - i));
            _memory.Write(pages.Add((ulong)(4 * i)), page);
        }

        _inflate.WriteDescriptor(0, new Descriptor(pages, 256 * 4, DescriptorFlags.None, 0));

        var report = _stats.AllocateBuffer(100);
        var bytes = new byte[100];
        for (int i = 0; i < 10; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 10), (ushort)i);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * 10) + 2), (ulong)i << 20);
        }

        _memory.Write(report, bytes);
        _stats.WriteDescriptor(0, new Descriptor(report, 100, DescriptorFlags.None, 0));
        _stats.WriteDescriptor(1, new Descriptor(report, 100, DescriptorFlags.None, 0));
        _stats.Publish(0);
        _transport.NotifyQueue(2);
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.DisposeRegions();

    [Benchmark]
    public void Inflate256Pages()
    {
        _inflate.Publish(0);
        _transport.NotifyQueue(VirtioBalloon.InflateQueue);
    }

    [Benchmark]
    public void StatisticsReport()
    {
        // Alternate between two heads: the device keeps the newer buffer and returns the one it held.
        _stats.Publish((ushort)(_stats.AvailIndex & 1));
        _transport.NotifyQueue(2);
    }

    private sealed class NoTimers : IDeviceEventLoop
    {
        public IDeviceEventRegistration Watch(System.Runtime.InteropServices.SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback) =>
            throw new NotSupportedException();

        public IDeviceTimer CreateTimer(Action callback) => new IdleTimer();
    }

    private sealed class IdleTimer : IDeviceTimer
    {
        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
        }

        public void Disarm()
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class NullInterruptLine : IInterruptLine
    {
        public void Raise()
        {
        }

        public void Lower()
        {
        }

        public void Pulse()
        {
        }
    }
}
