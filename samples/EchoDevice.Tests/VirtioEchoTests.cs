using Vmm.Devices.Testing;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Testing;

namespace EchoDevice.Tests;

/// <summary>
/// Drives <see cref="VirtioEcho"/> the way Linux's virtio-mmio driver would, with the driver simulators from
/// Vmm.Virtio.Testing: no guest, no KVM.
/// </summary>
public sealed class VirtioEchoTests : IDisposable
{
    private static readonly GuestAddress QueueBase = new(0x10000);

    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, 1 << 20)]);
    private readonly InterruptRecorder _interrupt = new();
    private readonly VirtioEcho _device = new();
    private readonly SimulatedMmioDriver _driver;
    private readonly SimulatedDriverQueue _queue;

    public VirtioEchoTests()
    {
        var transport = new VirtioMmioTransport(_device, _memory, _interrupt, name: "echo");
        _driver = new SimulatedMmioDriver(transport);
        Assert.True(_driver.Negotiate(VirtioFeatures.Version1, out _));
        _queue = new SimulatedDriverQueue(_memory, QueueBase, 16);
        Assert.True(_driver.SetUpQueue(0, _queue));
        Assert.Equal(DeviceStatus.DriverOk, _driver.DriverOk() & DeviceStatus.DriverOk);
    }

    public void Dispose() => _memory.Dispose();

    [Fact]
    public void Notify_RequestAndReplyBuffers_EchoesRequestAndInterrupts()
    {
        var request = _queue.AllocateBuffer(5);
        _memory.Write(request, "hello"u8);
        var reply = _queue.AllocateBuffer(16);

        _queue.AddChain(new SimulatedBuffer(request, 5, false), new SimulatedBuffer(reply, 16, true));
        _driver.Notify(0);

        Assert.True(_queue.TryTakeUsed(out var used));
        Assert.Equal(5u, used.Length);
        Assert.Equal("hello"u8.ToArray(), ReadGuest(reply, 5));
        Assert.Equal(1, _interrupt.InterruptCount);
        Assert.Equal(VirtioInterrupt.UsedBuffer, _driver.AcknowledgeInterrupts());
    }

    [Fact]
    public void Notify_RequestSplitOverBuffers_EchoesAcrossReplyBuffers()
    {
        var first = _queue.AllocateBuffer(3);
        var second = _queue.AllocateBuffer(4);
        _memory.Write(first, "abc"u8);
        _memory.Write(second, "defg"u8);
        var replyA = _queue.AllocateBuffer(2);
        var replyB = _queue.AllocateBuffer(8);

        _queue.AddChain(new(first, 3, false), new(second, 4, false), new(replyA, 2, true), new(replyB, 8, true));
        _driver.Notify(0);

        Assert.True(_queue.TryTakeUsed(out var used));
        Assert.Equal(7u, used.Length);
        Assert.Equal("ab"u8.ToArray(), ReadGuest(replyA, 2));
        Assert.Equal("cdefg"u8.ToArray(), ReadGuest(replyB, 5));
    }

    [Fact]
    public void Notify_ReplySmallerThanRequest_EchoesOnlyWhatFits()
    {
        var request = _queue.AllocateBuffer(10, fill: (byte)'x');
        var reply = _queue.AllocateBuffer(4);

        _queue.AddChain(new SimulatedBuffer(request, 10, false), new SimulatedBuffer(reply, 4, true));
        _driver.Notify(0);

        Assert.True(_queue.TryTakeUsed(out var used));
        Assert.Equal(4u, used.Length);
        Assert.Equal(4, _device.EchoedBytes);
    }

    [Fact]
    public void Notify_RequestOutsideGuestMemory_CompletesEmptyAndKeepsWorking()
    {
        var reply = _queue.AllocateBuffer(16);
        var outside = new GuestAddress(0x4000_0000); // far past the 1 MiB of guest memory: a hostile driver's address

        _queue.AddChain(new SimulatedBuffer(outside, 64, false), new SimulatedBuffer(reply, 16, true));
        _driver.Notify(0);

        Assert.True(_queue.TryTakeUsed(out var bad));
        Assert.Equal(0u, bad.Length);

        var request = _queue.AllocateBuffer(2);
        _memory.Write(request, "ok"u8);
        _queue.AddChain(new SimulatedBuffer(request, 2, false), new SimulatedBuffer(reply, 16, true));
        _driver.Notify(0);

        Assert.True(_queue.TryTakeUsed(out var good));
        Assert.Equal(2u, good.Length);
        Assert.Equal("ok"u8.ToArray(), ReadGuest(reply, 2));
    }

    [Fact]
    public void Notify_ChainWithoutReplySpace_CompletesWithZeroLength()
    {
        var request = _queue.AllocateBuffer(8, fill: 1);

        _queue.AddChain(new SimulatedBuffer(request, 8, false));
        _driver.Notify(0);

        Assert.True(_queue.TryTakeUsed(out var used));
        Assert.Equal(0u, used.Length);
        Assert.Equal(0, _device.EchoedBytes);
    }

    private byte[] ReadGuest(GuestAddress address, int length)
    {
        var bytes = new byte[length];
        _memory.Read(address, bytes);
        return bytes;
    }
}
