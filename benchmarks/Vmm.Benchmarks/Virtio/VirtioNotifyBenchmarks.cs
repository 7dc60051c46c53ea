using BenchmarkDotNet.Attributes;
using Vmm.Devices;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Testing;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// The whole device-side cycle of one request through the transport: a queue notification (as the event loop delivers
/// an ioeventfd), the device's processing loop popping a 3-descriptor chain (16-byte header, 512-byte data, 1-byte
/// status), completing it, and the used-buffer interrupt.
/// </summary>
[MemoryDiagnoser]
public class VirtioNotifyBenchmarks
{
    private GuestMemory _memory = null!;
    private VirtioMmioTransport _transport = null!;
    private SimulatedDriverQueue _driver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        _transport = new VirtioMmioTransport(new StatusDevice(), _memory, new NullLine());
        var mmio = new SimulatedMmioDriver(_transport);
        _driver = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), 256);
        if (!mmio.Negotiate(ulong.MaxValue, out _) || !mmio.SetUpQueue(0, _driver) || mmio.DriverOk() != (DeviceStatus)0xf)
        {
            throw new InvalidOperationException("bring-up failed");
        }

        var header = _driver.AllocateBuffer(16);
        var data = _driver.AllocateBuffer(512);
        var status = _driver.AllocateBuffer(1);
        _driver.AddChain(new(header, 16, false), new(data, 512, true), new(status, 1, true));
        _transport.NotifyQueue(0);
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.DisposeRegions();

    [Benchmark]
    public void NotifyProcessCompleteInterrupt()
    {
        _driver.Publish(0);
        _transport.NotifyQueue(0);
    }

    private sealed class StatusDevice : VirtioDevice
    {
        public override VirtioDeviceType DeviceType => VirtioDeviceType.Block;

        public override int QueueCount => 1;

        public override int ConfigSize => 0;

        protected override ulong DeviceFeatures => 0;

        protected override void ProcessQueue(int queueIndex) => ProcessChains(queueIndex);

        protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
        {
            Span<byte> header = stackalloc byte[16];
            var reader = chain.CreateReader();
            reader.TryRead(header);
            var writer = chain.CreateWriter();
            writer.TrySkip(512);
            writer.TryWrite((byte)0);
            return writer.BytesWritten;
        }
    }

    private sealed class NullLine : IInterruptLine
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
