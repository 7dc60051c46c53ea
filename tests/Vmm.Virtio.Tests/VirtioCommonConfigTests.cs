using Vmm.Memory;
using Vmm.Virtio.Block;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>The transport-neutral state driven directly, as a second transport (virtio-pci) drives it.</summary>
public sealed class VirtioCommonConfigTests : IDisposable
{
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);

    public void Dispose() => _memory.DisposeRegions();

    [Fact]
    public void SignalUsedQueue_PerQueueVectors_EachQueueDeliversItsOwnMessage()
    {
        var msi = new RecordingMsiVectors(4);
        var vectors = new VirtioVectorInterrupt(msi, 2);
        var device = new TestDevice();
        var common = new VirtioCommonConfig(device, _memory, vectors);
        var queues = BringUp(common, vectors, queue0Vector: 1, queue1Vector: 3, configVector: 0);

        Echo(queues[1], 1, common);
        Echo(queues[0], 0, common);
        device.ChangeConfig();

        Assert.Equal([RecordingMsiVectors.MessageOf(3), RecordingMsiVectors.MessageOf(1), RecordingMsiVectors.MessageOf(0)], msi.Sent);
    }

    [Fact]
    public void SignalUsedQueue_NoVector_DeliversNothing()
    {
        var msi = new RecordingMsiVectors(2);
        var vectors = new VirtioVectorInterrupt(msi, 2);
        var common = new VirtioCommonConfig(new TestDevice(), _memory, vectors);
        var queues = BringUp(common, vectors, queue0Vector: VirtioVectorInterrupt.NoVector, queue1Vector: 1, configVector: VirtioVectorInterrupt.NoVector);

        Echo(queues[0], 0, common);

        Assert.Empty(msi.Sent);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(0xfffe)]
    public void SetQueueVector_BeyondTheTable_ReadsBackNoVector(int vector)
    {
        var vectors = new VirtioVectorInterrupt(new RecordingMsiVectors(4), 2);
        Assert.Equal(VirtioVectorInterrupt.NoVector, vectors.SetQueueVector(0, (ushort)vector));
        Assert.Equal(VirtioVectorInterrupt.NoVector, vectors.GetQueueVector(0));
        vectors.ConfigVector = (ushort)vector;
        Assert.Equal(VirtioVectorInterrupt.NoVector, vectors.ConfigVector);
        Assert.Equal(VirtioVectorInterrupt.NoVector, vectors.SetQueueVector(7, 1));
    }

    [Fact]
    public void NotifyQueue_DeviceThrows_NeedsResetCountedAndReportedOnce()
    {
        var common = new VirtioCommonConfig(new ThrowingDevice(), _memory, new VirtioLineInterrupt(new RecordingInterruptLine()), "buggy0");
        var faults = new List<VirtioDeviceFaultEventArgs>();
        common.Faulted += (_, e) => faults.Add(e);
        var queue = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 16);
        Negotiate(common);
        SetUpQueue(common, 0, queue);
        common.WriteStatus((uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));

        common.NotifyQueue(0);
        common.NotifyQueue(0);

        Assert.True(common.Status.HasFlag(DeviceStatus.DeviceNeedsReset));
        Assert.Equal(2, common.FaultCount);
        var fault = Assert.Single(faults);
        Assert.Equal("buggy0", fault.DeviceName);
        Assert.Equal("queue 0", fault.Operation);
        Assert.IsType<InvalidOperationException>(fault.Exception);
        Assert.Equal(VirtioInterrupt.ConfigChange, common.ReadAndClearInterruptStatus());
        Assert.Equal(VirtioInterrupt.None, common.InterruptStatus);
    }

    [Fact]
    public void WriteQueueAddress_Halves_CombineIntoOneAddressAndReadBack()
    {
        var common = new VirtioCommonConfig(new TestDevice(), _memory, new VirtioLineInterrupt(new RecordingInterruptLine()));
        Negotiate(common);
        common.QueueSelect = 1;
        common.WriteQueueAddress(VirtioQueueRing.Driver, highHalf: false, 0x1234_5678);
        common.WriteQueueAddress(VirtioQueueRing.Driver, highHalf: true, 0x9);
        Assert.Equal(new GuestAddress(0x9_1234_5678), common.ReadQueueAddress(VirtioQueueRing.Driver));
        Assert.Equal(default, common.ReadQueueAddress(VirtioQueueRing.Device));
    }

    [Fact]
    public void WriteQueueSize_BeforeFeaturesOk_RefusedAndCounted()
    {
        var common = new VirtioCommonConfig(new TestDevice(), _memory, new VirtioLineInterrupt(new RecordingInterruptLine()));
        common.WriteQueueSize(16);
        Assert.Equal(1, common.IgnoredAccessCount);
        Assert.Equal(256, common.Queues[0].Size);
    }

    [Fact]
    public void BlockConfig_Layout_MatchesVirtioBlkConfig()
    {
        Assert.Equal(VirtioBlock.ConfigLength, System.Runtime.CompilerServices.Unsafe.SizeOf<VirtioBlockConfig>());
        var config = new VirtioBlockConfig { NumQueues = 0x0102, MaxDiscardSectors = 0x03040506, WriteZeroesMayUnmap = 7, BlockSize = 512 };
        var bytes = new byte[VirtioBlock.ConfigLength];
        System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in config);
        Assert.Equal(0x02, bytes[34]);
        Assert.Equal(0x06, bytes[36]);
        Assert.Equal(7, bytes[56]);
        Assert.Equal(0x02, bytes[21]);
    }

    private SimulatedDriverQueue[] BringUp(VirtioCommonConfig common, VirtioVectorInterrupt vectors, ushort queue0Vector, ushort queue1Vector, ushort configVector)
    {
        Negotiate(common);
        vectors.ConfigVector = configVector;
        var queues = new[] { new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 16), new SimulatedDriverQueue(_memory, new GuestAddress(0x40000), 16) };
        SetUpQueue(common, 0, queues[0]);
        Assert.Equal(queue0Vector, vectors.SetQueueVector(0, queue0Vector));
        SetUpQueue(common, 1, queues[1]);
        Assert.Equal(queue1Vector, vectors.SetQueueVector(1, queue1Vector));
        common.WriteStatus((uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));
        Assert.True(common.Device.IsActivated);
        return queues;
    }

    private static void Negotiate(VirtioCommonConfig common)
    {
        common.WriteStatus(0);
        common.WriteStatus((uint)DeviceStatus.Acknowledge);
        common.WriteStatus((uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
        common.DeviceFeatureSelect = 1;
        ulong offered = (ulong)common.ReadDeviceFeatures() << 32;
        common.DeviceFeatureSelect = 0;
        offered |= common.ReadDeviceFeatures();
        common.DriverFeatureSelect = 1;
        common.WriteDriverFeatures((uint)(offered >> 32));
        common.DriverFeatureSelect = 0;
        common.WriteDriverFeatures((uint)offered);
        common.WriteStatus((uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk));
        Assert.True(common.Status.HasFlag(DeviceStatus.FeaturesOk));
    }

    private static void SetUpQueue(VirtioCommonConfig common, int index, SimulatedDriverQueue queue)
    {
        common.QueueSelect = (uint)index;
        common.WriteQueueSize(queue.Size);
        common.WriteQueueAddress(VirtioQueueRing.Descriptors, false, (uint)queue.DescriptorTable.Value);
        common.WriteQueueAddress(VirtioQueueRing.Driver, false, (uint)queue.AvailRing.Value);
        common.WriteQueueAddress(VirtioQueueRing.Device, false, (uint)queue.UsedRing.Value);
        common.WriteQueueEnable(true);
        Assert.True(common.SelectedQueueReady);
    }

    private void Echo(SimulatedDriverQueue queue, int index, VirtioCommonConfig common)
    {
        var input = queue.AllocateBuffer(4, 0x5a);
        var output = queue.AllocateBuffer(4);
        queue.AddChain(new SimulatedBuffer(input, 4, false), new SimulatedBuffer(output, 4, true));
        common.NotifyQueue(index);
        Assert.True(queue.TryTakeUsed(out UsedElement used));
        Assert.Equal(4u, used.Length);
        Assert.Equal(new byte[] { 0x5a, 0x5a, 0x5a, 0x5a }, _memory.Read(output, 4));
    }
}
