using Vmm.Devices;
using Vmm.Memory;
using Vmm.Tests.Shared;
using Vmm.Virtio;
using Vmm.Virtio.Net;
using Vmm.Virtio.RateLimiting;
using Vmm.Virtio.Testing;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// A VirtioNet over a real tap in a private network namespace (run as root), brought up with mergeable receive
/// buffers and EVENT_IDX; its tap callback captured so a benchmark can call it as the VMM's event loop would.
/// Transmit chains are one descriptor each (header + frame), receive chains one 1536-byte buffer each, all laid out once.
/// </summary>
internal sealed class NetBenchmarkRig : IDisposable
{
    public const ushort QueueSize = 256;
    private const string TapName = "vmmbench0";
    private const uint RxBufferSize = 1536;
    private readonly NetworkSandbox _sandbox;
    private readonly GuestMemory _memory;
    private ushort _nextTxHead;

    public NetBenchmarkRig(int frameSize, bool rateLimited)
    {
        _sandbox = NetworkSandbox.TryCreate(out string reason) ?? throw new InvalidOperationException($"needs a tap in a private network namespace: {reason}");
        _sandbox.DisableIpv6();
        var tap = _sandbox.Run(() => Tap.Create(TapName));
        _sandbox.SetTransmitQueueLength(TapName, 16384);
        _sandbox.SetUp(TapName);
        var hostMac = _sandbox.HardwareAddress(TapName);
        Injector = _sandbox.OpenPacketSocket(TapName);
        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 32 << 20)]);

        // A limit far above what one core can do: the buckets' bookkeeping is measured, never a wait.
        var limit = rateLimited
            ? new RateLimiterOptions { Bandwidth = TokenBucketOptions.PerSecond(1L << 40), Operations = TokenBucketOptions.PerSecond(1L << 30) }
            : null;
        var guestMac = MacAddress.Parse("52:54:00:12:34:56");
        Device = new VirtioNet(tap, Loop, new VirtioNetOptions { Mac = guestMac, QueueSize = QueueSize, ReceiveRateLimit = limit, TransmitRateLimit = limit });
        Transport = new VirtioMmioTransport(Device, _memory, new NullLine());
        var driver = new SimulatedMmioDriver(Transport);
        Rx = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), QueueSize);
        Tx = new SimulatedDriverQueue(_memory, new GuestAddress(16 << 20), QueueSize);
        ulong features = VirtioFeatures.Version1 | VirtioFeatures.RingEventIndex | VirtioNetFeatures.Mac | VirtioNetFeatures.Status | VirtioNetFeatures.MergeableRxBuffers;
        if (!driver.Negotiate(features, out _) || !driver.SetUpQueue(0, Rx) || !driver.SetUpQueue(1, Tx) || (driver.DriverOk() & DeviceStatus.DriverOk) == 0)
        {
            throw new InvalidOperationException("bring-up failed");
        }

        Span<byte> guest = stackalloc byte[6];
        guestMac.CopyTo(guest);
        var toHost = TestFrame(frameSize, hostMac, guest);
        var txData = Tx.AllocateBuffer((uint)(VirtioNetHeader.Size + frameSize));
        _memory.Write(txData.Add(VirtioNetHeader.Size), toHost);
        for (ushort i = 0; i < QueueSize; i++)
        {
            Tx.WriteDescriptor(i, new Descriptor(txData, (uint)(VirtioNetHeader.Size + frameSize), DescriptorFlags.None, 0));
            Rx.WriteDescriptor(i, new Descriptor(Rx.AllocateBuffer(RxBufferSize), RxBufferSize, DescriptorFlags.Write, 0));
            Rx.Publish(i);
        }

        ToGuest = TestFrame(frameSize, guest, hostMac);
    }

    public PacketSocket Injector { get; }

    public CapturingEventLoop Loop { get; } = new();

    public VirtioNet Device { get; }

    public VirtioMmioTransport Transport { get; }

    public SimulatedDriverQueue Rx { get; }

    public SimulatedDriverQueue Tx { get; }

    /// <summary>A frame to the guest's MAC, for the injector.</summary>
    public byte[] ToGuest { get; }

    /// <summary>Publishes <paramref name="count"/> transmit chains and notifies.</summary>
    public void Transmit(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Tx.Publish(_nextTxHead);
            _nextTxHead = (ushort)((_nextTxHead + 1) % QueueSize);
        }

        Transport.NotifyQueue(VirtioNet.TransmitQueue);
    }

    /// <summary>Runs the tap callback and re-posts the returned buffers until <paramref name="frames"/> more frames arrived.</summary>
    public void Receive(int frames)
    {
        var callback = Loop.Callback!;
        long target = Device.ReceivedFrames + frames;
        while (Device.ReceivedFrames < target)
        {
            callback(DeviceEvents.Readable);
            while (Rx.TryTakeUsed(out var used))
            {
                Rx.Publish((ushort)used.Id);
            }

            Transport.NotifyQueue(VirtioNet.ReceiveQueue);
        }
    }

    public void Dispose()
    {
        Device.Dispose();
        Injector.Dispose();
        _memory.DisposeRegions();
        _sandbox.Dispose();
    }

    private static byte[] TestFrame(int size, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> source)
    {
        var frame = new byte[size];
        destination.CopyTo(frame);
        source.CopyTo(frame.AsSpan(6));
        frame[12] = 0x88;
        frame[13] = 0xb5;
        return frame;
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
