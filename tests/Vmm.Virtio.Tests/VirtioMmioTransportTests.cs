using FsCheck;
using FsCheck.Xunit;
using Vmm.Memory;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;
using R = Vmm.Virtio.VirtioMmioRegister;

namespace Vmm.Virtio.Tests;

public sealed class VirtioMmioTransportTests : IDisposable
{
    private const DeviceStatus Negotiated = DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk;
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
    private readonly TestDevice _device = new();
    private readonly RecordingInterruptLine _irq = new();
    private readonly VirtioMmioTransport _transport;
    private readonly SimulatedMmioDriver _driver;

    public VirtioMmioTransportTests()
    {
        _transport = new VirtioMmioTransport(_device, _memory, _irq);
        _driver = new SimulatedMmioDriver(_transport);
    }

    public void Dispose() => _memory.DisposeRegions();

    [Fact]
    public void IdentityRegisters_Read_MagicVersionDevice()
    {
        Assert.Equal(0x74726976u, _driver.Read(R.MagicValue));
        Assert.Equal(2u, _driver.Read(R.Version));
        Assert.Equal((uint)VirtioDeviceType.Entropy, _driver.Read(R.DeviceId));
        Assert.Equal(0u, _driver.Read(R.ConfigGeneration));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void Read_RegisterWithWrongSize_ZeroAndCounted(int size)
    {
        var data = new byte[size];
        data.AsSpan().Fill(0xff);
        _transport.Read(R.MagicValue, data);
        Assert.All(data, b => Assert.Equal(0, b));
        Assert.Equal(1, _transport.IgnoredAccessCount);
    }

    [Fact]
    public void Write_StatusWithTwoBytes_Ignored()
    {
        _transport.Write(R.Status, [1, 0]);
        Assert.Equal(DeviceStatus.None, _transport.Status);
    }

    [Fact]
    public void ProbeSequence_LinuxOrder_ActivatesWithQueuesAndEchoes()
    {
        Assert.True(_driver.Negotiate(VirtioFeatures.Standard | TestDevice.FeatureA, out ulong accepted));
        Assert.Equal(VirtioFeatures.Standard | TestDevice.FeatureA, accepted);
        var q0 = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 64);
        var q1 = new SimulatedDriverQueue(_memory, new GuestAddress(0x20000), 64);
        Assert.True(_driver.SetUpQueue(0, q0));
        Assert.True(_driver.SetUpQueue(1, q1));
        Assert.Equal(Negotiated | DeviceStatus.DriverOk, _driver.DriverOk());
        Assert.Equal(1, _device.Activations);
        Assert.True(_transport.Queues[0].EventIdxEnabled);

        var input = q1.AllocateBuffer(10, 0x42);
        var output = q1.AllocateBuffer(10);
        ushort head = q1.AddChain(new(input, 10, false), new(output, 10, true));
        _driver.Notify(1);

        Assert.True(q1.TryTakeUsed(out var used));
        Assert.Equal(new UsedElement(head, 10), used);
        Assert.Equal(Enumerable.Repeat((byte)0x42, 10), _memory.Read(output, 10));
        Assert.Equal(1, _irq.Pulses);
        Assert.Equal(VirtioInterrupt.UsedBuffer, _driver.AcknowledgeInterrupts());
        Assert.Equal(VirtioInterrupt.None, _transport.PendingInterrupts);
    }

    [Fact]
    public void FeaturesOk_UnofferedFeature_NotLatched()
    {
        Begin();
        _driver.Write(R.DriverFeaturesSel, 0);
        _driver.Write(R.DriverFeatures, 1u << 7);
        _driver.Write(R.DriverFeaturesSel, 1);
        _driver.Write(R.DriverFeatures, 1);
        _driver.Write(R.Status, (uint)Negotiated);
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver, (DeviceStatus)_driver.Read(R.Status));
    }

    [Fact]
    public void FeaturesOk_WithoutVersion1_NotLatched()
    {
        Assert.False(_driver.Negotiate(TestDevice.FeatureA, out _));
    }

    [Fact]
    public void DriverOk_WithoutFeaturesOk_Ignored()
    {
        Begin();
        _driver.Write(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.DriverOk));
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver, _transport.Status);
        Assert.Equal(0, _device.Activations);
    }

    [Fact]
    public void QueueRegisters_BeforeFeaturesOk_Ignored()
    {
        Begin();
        _driver.Write(R.QueueSel, 0);
        _driver.Write(R.QueueNum, 16);
        Assert.Equal((ushort)256, _transport.Queues[0].Size);
    }

    [Fact]
    public void QueueRegisters_AfterDriverOk_Ignored()
    {
        BringUp();
        _driver.Write(R.QueueSel, 0);
        _driver.Write(R.QueueDescLow, 0x5000);
        Assert.Equal(new GuestAddress(0x10000), _transport.Queues[0].DescriptorTable);
    }

    [Fact]
    public void QueueReady_MisalignedUsedRing_ReadsBackZero()
    {
        Assert.True(_driver.Negotiate(VirtioFeatures.Standard, out _));
        var q = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 64);
        _driver.Write(R.QueueSel, 0);
        _driver.Write(R.QueueNum, 64);
        _driver.Write(R.QueueDescLow, (uint)q.DescriptorTable.Value);
        _driver.Write(R.QueueDriverLow, (uint)q.AvailRing.Value);
        _driver.Write(R.QueueDeviceLow, (uint)q.UsedRing.Value + 2);
        _driver.Write(R.QueueReady, 1);
        Assert.Equal(0u, _driver.Read(R.QueueReady));
    }

    [Fact]
    public void Status_Zero_ResetsDeviceAndQueues()
    {
        BringUp();
        _driver.Write(R.Status, 0);
        Assert.Equal(DeviceStatus.None, _transport.Status);
        Assert.Equal(1, _device.Resets);
        Assert.False(_transport.Queues[0].IsReady);
        Assert.False(_device.IsActivated);
    }

    [Fact]
    public void Activate_DeviceRefuses_NeedsResetWithConfigInterrupt()
    {
        _device.RefuseActivation = true;
        BringUp();
        Assert.True((_transport.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(VirtioInterrupt.ConfigChange, _transport.PendingInterrupts);
        Assert.Equal(1u, _driver.Read(R.ConfigGeneration));
    }

    [Fact]
    public void Notify_AvailIndexCorrupted_NeedsReset()
    {
        var q0 = BringUp();
        q0.AvailIndex = 1000;
        _driver.Notify(0);
        Assert.True((_transport.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(1, _transport.Queues[0].Errors.Get(QueueError.AvailIndexOutOfRange));
    }

    [Fact]
    public void Notify_MalformedChain_ReturnedWithZeroLengthAndCounted()
    {
        var q0 = BringUp();
        var buffer = q0.AllocateBuffer(8);
        q0.WriteDescriptor(0, new Descriptor(buffer, 8, DescriptorFlags.Next, 0));
        q0.Publish(0);
        _driver.Notify(0);
        Assert.True(q0.TryTakeUsed(out var used));
        Assert.Equal(new UsedElement(0, 0), used);
        Assert.Equal(1, _transport.Queues[0].Errors.Get(QueueError.ChainTooLong));
        Assert.Equal(DeviceStatus.None, _transport.Status & DeviceStatus.DeviceNeedsReset);
    }

    [Fact]
    public void Config_ReadWriteInsideAndOutside_BoundsEnforced()
    {
        var data = new byte[4];
        _transport.Read(R.Config + 8, data);
        Assert.Equal(new byte[] { 9, 10, 11, 12 }, data);
        _transport.Read(R.Config + 10, data);
        Assert.Equal(new byte[4], data);
        _transport.Write(R.Config + 0, [0xaa, 0xbb]);
        Assert.Equal(0xaa, _device.Config[0]);
        _transport.Write(R.Config + 11, [1, 2]);
        Assert.Equal(12, _device.Config[11]);
        var three = new byte[3];
        _transport.Read(R.Config, three);
        Assert.Equal(new byte[3], three);
    }

    [Fact]
    public void ConfigChange_Notified_GenerationAndInterrupt()
    {
        BringUp();
        _device.ChangeConfig();
        Assert.Equal(1u, _driver.Read(R.ConfigGeneration));
        Assert.Equal(VirtioInterrupt.ConfigChange, _driver.AcknowledgeInterrupts());
    }

    [Fact]
    public void QueueNotificationHandler_Set_ReceivesIndexInsteadOfInlineProcessing()
    {
        var q0 = BringUp();
        int notified = -1;
        _transport.QueueNotificationHandler = i => notified = i;
        var buffer = q0.AllocateBuffer(8);
        q0.AddChain(new SimulatedBuffer(buffer, 8, true));
        _driver.Notify(0);
        Assert.Equal(0, notified);
        Assert.False(q0.TryTakeUsed(out _));
        _transport.NotifyQueue(0);
        Assert.True(q0.TryTakeUsed(out _));
    }

    [Property(MaxTest = 500)]
    public void HostileRegisterSequence_Never_ThrowsOrLeavesInconsistentStatus(byte[] ops)
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var device = new TestDevice();
            var transport = new VirtioMmioTransport(device, memory, new RecordingInterruptLine());
            var source = new ByteSource(ops);
            for (int i = 0; i < ops.Length / 3; i++)
            {
                byte op = source.Next();
                int offset = (op % 52) * 4 + ((op & 0x80) != 0 ? 1 : 0);
                uint value = (source.Next() % 4) switch
                {
                    0 => source.Next(),
                    1 => 1u << (source.Next() % 32),
                    2 => 0x10000u + ((uint)source.Next() << 8),
                    _ => uint.MaxValue,
                };
                var bytes = BitConverter.GetBytes(value).AsSpan(0, (op & 0x40) != 0 ? 2 : 4);
                if ((op & 0x20) != 0)
                {
                    transport.Read((ulong)offset, new byte[bytes.Length]);
                }
                else
                {
                    transport.Write((ulong)offset, bytes);
                }
            }

            var status = transport.Status;
            Assert.True((status & DeviceStatus.DriverOk) == 0 || (status & DeviceStatus.FeaturesOk) != 0);
            Assert.True((status & DeviceStatus.FeaturesOk) == 0 || (transport.DriverFeatures & ~device.OfferedFeatures) == 0);
            Assert.True(!device.IsActivated || (status & DeviceStatus.DriverOk) != 0);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    private void Begin()
    {
        _driver.Write(R.Status, 0);
        _driver.Write(R.Status, (uint)DeviceStatus.Acknowledge);
        _driver.Write(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
    }

    private SimulatedDriverQueue BringUp()
    {
        Assert.True(_driver.Negotiate(VirtioFeatures.Standard, out _));
        var q0 = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 64);
        Assert.True(_driver.SetUpQueue(0, q0));
        _driver.DriverOk();
        return q0;
    }
}
