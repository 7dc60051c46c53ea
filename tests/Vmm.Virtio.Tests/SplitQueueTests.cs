using Vmm.Memory;
using Vmm.Virtio.Testing;

namespace Vmm.Virtio.Tests;

public sealed class SplitQueueTests : IDisposable
{
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
    private readonly SplitQueue _queue = new(256);
    private readonly SimulatedDriverQueue _driver;

    public SplitQueueTests()
    {
        _driver = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), 256);
        _driver.Configure(_queue);
    }

    public void Dispose() => _memory.DisposeRegions();

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(512)]
    public void TryMakeReady_InvalidSize_Refused(int size)
    {
        _queue.Size = (ushort)size;
        Assert.False(_queue.TryMakeReady(_memory, out var error));
        Assert.Equal(QueueError.InvalidSize, error);
        Assert.False(_queue.IsReady);
    }

    [Theory]
    [InlineData(8, 0, 0, QueueError.MisalignedDescriptorTable)]
    [InlineData(0, 1, 0, QueueError.MisalignedAvailRing)]
    [InlineData(0, 0, 2, QueueError.MisalignedUsedRing)]
    public void TryMakeReady_MisalignedRing_Refused(int descDelta, int availDelta, int usedDelta, QueueError expected)
    {
        _queue.DescriptorTable = _driver.DescriptorTable.Add((ulong)descDelta);
        _queue.AvailRing = _driver.AvailRing.Add((ulong)availDelta);
        _queue.UsedRing = _driver.UsedRing.Add((ulong)usedDelta);
        Assert.False(_queue.TryMakeReady(_memory, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryMakeReady_UsedRingPastEndOfMemory_Refused()
    {
        _queue.UsedRing = new GuestAddress((1 << 20) - 64);
        Assert.False(_queue.TryMakeReady(_memory, out var error));
        Assert.Equal(QueueError.UsedRingOutOfMemory, error);
    }

    [Fact]
    public void Size_SetWhileReady_Throws()
    {
        Assert.True(_queue.TryMakeReady(_memory, out _));
        Assert.Throws<InvalidOperationException>(() => _queue.Size = 128);
    }

    [Fact]
    public void TryPop_DirectChain_YieldsReadableThenWritable()
    {
        Ready();
        var header = _driver.AllocateBuffer(16, 0x11);
        var data = _driver.AllocateBuffer(512);
        var status = _driver.AllocateBuffer(1);
        ushort head = _driver.AddChain(new(header, 16, false), new(data, 512, true), new(status, 1, true));

        Assert.True(_queue.TryPop(out var chain, out var error));
        Assert.Equal(QueueError.None, error);
        Assert.Equal(head, chain.HeadIndex);
        Assert.Equal(3, chain.DescriptorCount);
        Assert.Equal(1, chain.ReadableCount);
        Assert.Equal(16u, chain.ReadableLength);
        Assert.Equal(513u, chain.WritableLength);
    }

    [Fact]
    public void TryPop_IndirectChainAfterDirectDescriptor_Flattened()
    {
        _queue.IndirectDescriptorsEnabled = true;
        Ready();
        var table = _driver.AllocateBuffer(32);
        var a = _driver.AllocateBuffer(8);
        var b = _driver.AllocateBuffer(8);
        var c = _driver.AllocateBuffer(8);
        _driver.WriteDescriptors(table, [new(b, 8, DescriptorFlags.Next, 1), new(c, 8, DescriptorFlags.Write, 0)]);
        _driver.WriteDescriptor(5, new(a, 8, DescriptorFlags.Next, 6));
        _driver.WriteDescriptor(6, new(table, 32, DescriptorFlags.Indirect, 0));
        _driver.Publish(5);

        Assert.True(_queue.TryPop(out var chain, out _));
        Assert.Equal([a, b, c], chain.Descriptors.ToArray().Select(d => d.Address));
        Assert.Equal(2, chain.ReadableCount);
    }

    [Fact]
    public void TryPop_IndirectWithoutFeature_ChainError()
    {
        Ready();
        var table = _driver.AllocateBuffer(16);
        _driver.AddIndirectChain(table, new SimulatedBuffer(_driver.AllocateBuffer(8), 8, false));
        Assert.False(_queue.TryPop(out var chain, out var error));
        Assert.Equal(QueueError.IndirectNotNegotiated, error);
        Assert.True(chain.HasUsableHead);
    }

    [Fact]
    public void TryPop_SelfLoop_ChainTooLongAndQueueContinues()
    {
        Ready();
        var buffer = _driver.AllocateBuffer(8);
        _driver.WriteDescriptor(0, new(buffer, 8, DescriptorFlags.Next, 0));
        _driver.Publish(0);
        ushort good = 1;
        _driver.WriteDescriptor(good, new(buffer, 8, DescriptorFlags.None, 0));
        _driver.Publish(good);

        Assert.False(_queue.TryPop(out _, out var error));
        Assert.Equal(QueueError.ChainTooLong, error);
        Assert.True(_queue.TryPop(out var chain, out _));
        Assert.Equal(good, chain.HeadIndex);
        Assert.Equal(1, _queue.Errors.Get(QueueError.ChainTooLong));
        Assert.Equal(1, _queue.Errors.Total);
    }

    [Fact]
    public void TryPop_ReadableAfterWritable_ChainError()
    {
        Ready();
        var buffer = _driver.AllocateBuffer(8);
        _driver.AddChain(new(buffer, 8, true), new(buffer, 8, false));
        Assert.False(_queue.TryPop(out _, out var error));
        Assert.Equal(QueueError.ReadableAfterWritable, error);
    }

    [Fact]
    public void TryPop_TotalLengthOver4GiB_ChainError()
    {
        Ready();
        var buffer = _driver.AllocateBuffer(8);
        _driver.AddChain(new(buffer, uint.MaxValue, false), new(buffer, 1, true));
        Assert.False(_queue.TryPop(out _, out var error));
        Assert.Equal(QueueError.ChainLengthOverflow, error);
    }

    [Fact]
    public void TryPop_StaleChainAfterNextPop_Throws()
    {
        Ready();
        var buffer = _driver.AllocateBuffer(8);
        _driver.AddChain(new SimulatedBuffer(buffer, 8, false));
        _driver.AddChain(new SimulatedBuffer(buffer, 8, false));
        Assert.True(_queue.TryPop(out var first, out _));
        Assert.True(_queue.TryPop(out _, out _));
        Assert.Throws<InvalidOperationException>(() => first.Descriptors.Length);
    }

    [Fact]
    public void AddUsed_Completes_DriverSeesIdAndLength()
    {
        Ready();
        var buffer = _driver.AllocateBuffer(64);
        ushort head = _driver.AddChain(new SimulatedBuffer(buffer, 64, true));
        Assert.True(_queue.TryPop(out var chain, out _));
        var writer = chain.CreateWriter();
        Assert.True(writer.TryWrite<ulong>(0x0123456789abcdef));
        Assert.Equal(QueueError.None, _queue.AddUsed(chain.HeadIndex, writer.BytesWritten));

        Assert.True(_driver.TryTakeUsed(out var used));
        Assert.Equal(new UsedElement(head, 8), used);
        Assert.Equal(0x0123456789abcdefUL, _memory.Read<ulong>(buffer));
    }

    [Fact]
    public void AddUsed_HeadOutOfRange_Refused()
    {
        Ready();
        Assert.Equal(QueueError.HeadIndexOutOfRange, _queue.AddUsed(256, 0));
        Assert.Equal(0, _driver.UsedIndex);
    }

    [Fact]
    public void Reader_BufferInHole_FaultsOnAccess()
    {
        Ready();
        _driver.AddChain(new SimulatedBuffer(new GuestAddress(2 << 20), 16, false));
        Assert.True(_queue.TryPop(out var chain, out _));
        var reader = chain.CreateReader();
        Span<byte> bytes = stackalloc byte[16];
        Assert.False(reader.TryRead(bytes));
        Assert.True(reader.Faulted);
    }

    [Fact]
    public void Writer_BufferWrappingAddressSpace_Faults()
    {
        Ready();
        _driver.AddChain(new SimulatedBuffer(new GuestAddress(ulong.MaxValue - 3), 16, true));
        Assert.True(_queue.TryPop(out var chain, out _));
        var writer = chain.CreateWriter();
        Assert.False(writer.TryWrite(new byte[16]));
        Assert.True(writer.Faulted);
    }

    [Fact]
    public void PopConsumeComplete_ThreeDescriptorChain_AllocatesNothing()
    {
        Ready();
        var header = _driver.AllocateBuffer(16);
        var data = _driver.AllocateBuffer(512);
        var status = _driver.AllocateBuffer(1);
        Span<byte> headerBytes = stackalloc byte[16];
        Cycle(headerBytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _driver.Publish(0);
            Cycle(headerBytes);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Cycle(Span<byte> scratch)
        {
            if (_driver.AvailIndex == 0)
            {
                _driver.AddChain(new(header, 16, false), new(data, 512, true), new(status, 1, true));
            }

            Assert.True(_queue.TryPop(out var chain, out _));
            var reader = chain.CreateReader();
            reader.TryRead(scratch);
            var writer = chain.CreateWriter();
            writer.TrySkip(512);
            writer.TryWrite((byte)0);
            _queue.AddUsed(chain.HeadIndex, writer.BytesWritten);
        }
    }

    [Fact]
    public void CaptureRestore_RoundTrip_ContinuesWhereItStopped()
    {
        Ready();
        var buffer = _driver.AllocateBuffer(8);
        _driver.AddChain(new SimulatedBuffer(buffer, 8, false));
        _driver.AddChain(new SimulatedBuffer(buffer, 8, false));
        Assert.True(_queue.TryPop(out var first, out _));
        _queue.AddUsed(first.HeadIndex, 0);
        var state = _queue.CaptureState();

        var restored = new SplitQueue(256);
        Assert.Equal(QueueError.None, restored.RestoreState(state, _memory));
        Assert.Equal(state, restored.CaptureState());
        Assert.True(restored.TryPop(out var second, out _));
        Assert.Equal(1, second.HeadIndex);
    }

    [Fact]
    public void RestoreState_MisalignedRingFromSnapshot_RefusedAndNotReady()
    {
        Ready();
        var state = _queue.CaptureState() with { UsedRing = new GuestAddress(0x1002) };
        var restored = new SplitQueue(256);
        Assert.Equal(QueueError.MisalignedUsedRing, restored.RestoreState(state, _memory));
        Assert.False(restored.IsReady);
    }

    private void Ready() => Assert.True(_queue.TryMakeReady(_memory, out _));
}
