using System.Buffers.Binary;
using Vmm.Devices;
using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// The virtio-mmio transport, version 2 (VIRTIO 1.2 §4.2), in front of a <see cref="VirtioDevice"/>: an
/// <see cref="IMmioDevice"/> to register on the MMIO bus at a 4 KiB-aligned base (<see cref="RegionSize"/> bytes).
/// It only decodes registers: negotiation, status, queues and interrupts live in <see cref="Common"/>, shared with every
/// other transport.
/// </summary>
/// <remarks>
/// <para>Guest rules enforced here: registers are accessed with aligned 32-bit accesses only (anything else reads as zero
/// and writes are dropped, counted in <see cref="IgnoredAccessCount"/>); QueueReady accepts 0 and 1 only. The rest are
/// <see cref="VirtioCommonConfig"/>'s.</para>
/// <para>Queue notifications: a QueueNotify write calls <see cref="QueueNotificationHandler"/> when set (a VMM hands the
/// work to its event loop), otherwise processes the queue inline on the vCPU thread. With KVM ioeventfds the write never
/// reaches here: the VMM's event loop calls <see cref="NotifyQueue"/> when the eventfd fires.</para>
/// <para>Interrupts: one line for every reason (<see cref="VirtioLineInterrupt"/>: a pulse, i.e. a KVM irqfd); the driver
/// reads InterruptStatus and acknowledges with InterruptACK.</para>
/// </remarks>
public sealed class VirtioMmioTransport : IMmioDevice
{
    /// <summary>The MagicValue register's content, "virt" in little-endian.</summary>
    public const uint Magic = 0x74726976;

    /// <summary>The transport version implemented.</summary>
    public const uint TransportVersion = 2;

    /// <summary>The size of the MMIO window the transport answers in.</summary>
    public const int RegionSize = 0x1000;

    /// <summary>Creates a transport for <paramref name="device"/> over <paramref name="memory"/>, interrupting through <paramref name="interrupt"/>.</summary>
    /// <param name="device">The device model.</param>
    /// <param name="memory">Guest memory.</param>
    /// <param name="interrupt">The device's interrupt line (pulsed).</param>
    /// <param name="name">The device's name in logs and fault reports (defaults to the device type).</param>
    public VirtioMmioTransport(VirtioDevice device, GuestMemory memory, IInterruptLine interrupt, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        Common = new VirtioCommonConfig(device, memory, new VirtioLineInterrupt(interrupt), name);
    }

    /// <summary>The transport-neutral state behind the registers.</summary>
    public VirtioCommonConfig Common { get; }

    /// <summary>The device behind the transport.</summary>
    public VirtioDevice Device => Common.Device;

    /// <summary>The VendorID register's content.</summary>
    public uint VendorId { get; init; } = 0x4d4d5654; // "TVMM"

    /// <summary>The device's queues (observability: sizes, indices, error counters).</summary>
    public IReadOnlyList<SplitQueue> Queues => Common.Queues;

    /// <summary>The current device status.</summary>
    public DeviceStatus Status => Common.Status;

    /// <summary>The pending interrupt reasons.</summary>
    public VirtioInterrupt PendingInterrupts => Common.InterruptStatus;

    /// <summary>The features the driver wrote (meaningful once FEATURES_OK is latched).</summary>
    public ulong DriverFeatures => Common.DriverFeatures;

    /// <summary>Register accesses dropped for their size, alignment, offset or the device state.</summary>
    public long IgnoredAccessCount => Common.IgnoredAccessCount;

    /// <summary>
    /// When set, QueueNotify writes call this with the queue index instead of processing the queue on the vCPU thread
    /// (hand it to the event loop, which then calls <see cref="NotifyQueue"/>).
    /// </summary>
    public Action<int>? QueueNotificationHandler { get; set; }

    /// <summary>Replaces guest memory (after hot-plug): queues and the next activation use the new snapshot.</summary>
    public void UpdateMemory(GuestMemory memory) => Common.UpdateMemory(memory);

    /// <summary>Processes queue <paramref name="queueIndex"/> (see <see cref="VirtioCommonConfig.NotifyQueue"/>).</summary>
    public void NotifyQueue(int queueIndex) => Common.NotifyQueue(queueIndex);

    /// <inheritdoc/>
    public void Read(ulong offset, Span<byte> data)
    {
        if (offset >= VirtioMmioRegister.Config)
        {
            Common.ReadConfig(offset - VirtioMmioRegister.Config, data);
            return;
        }

        if (data.Length != 4 || (offset & 3) != 0)
        {
            data.Clear();
            Common.CountIgnoredAccess();
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(data, ReadRegister((int)offset));
    }

    /// <inheritdoc/>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset >= VirtioMmioRegister.Config)
        {
            Common.WriteConfig(offset - VirtioMmioRegister.Config, data);
            return;
        }

        if (data.Length != 4 || (offset & 3) != 0)
        {
            Common.CountIgnoredAccess();
            return;
        }

        WriteRegister((int)offset, BinaryPrimitives.ReadUInt32LittleEndian(data));
    }

    private uint ReadRegister(int offset)
    {
        switch (offset)
        {
            case VirtioMmioRegister.MagicValue:
                return Magic;
            case VirtioMmioRegister.Version:
                return TransportVersion;
            case VirtioMmioRegister.DeviceId:
                return (uint)Device.DeviceType;
            case VirtioMmioRegister.VendorId:
                return VendorId;
            case VirtioMmioRegister.InterruptStatus:
                return (uint)Common.InterruptStatus;
            case VirtioMmioRegister.ShmLenLow or VirtioMmioRegister.ShmLenHigh or VirtioMmioRegister.ShmBaseLow or VirtioMmioRegister.ShmBaseHigh:
                return uint.MaxValue;
            case VirtioMmioRegister.DeviceFeatures:
                return Common.ReadDeviceFeatures();
            case VirtioMmioRegister.QueueNumMax:
                return Common.SelectedQueue is { } q ? q.MaxSize : 0u;
            case VirtioMmioRegister.QueueReady:
                return Common.SelectedQueueReady ? 1u : 0u;
            case VirtioMmioRegister.Status:
                return (uint)Common.Status;
            case VirtioMmioRegister.ConfigGeneration:
                return Common.ConfigGeneration;
            default:
                Common.CountIgnoredAccess();
                return 0;
        }
    }

    private void WriteRegister(int offset, uint value)
    {
        switch (offset)
        {
            case VirtioMmioRegister.QueueNotify:
                int queue = (int)Math.Min(value, int.MaxValue);
                if (QueueNotificationHandler is { } handler)
                {
                    handler(queue);
                }
                else
                {
                    Common.NotifyQueue(queue);
                }

                return;
            case VirtioMmioRegister.InterruptAck:
                Common.AcknowledgeInterrupt(value);
                return;
            case VirtioMmioRegister.Status:
                Common.WriteStatus(value);
                return;
            case VirtioMmioRegister.DeviceFeaturesSel:
                Common.DeviceFeatureSelect = value;
                return;
            case VirtioMmioRegister.DriverFeaturesSel:
                Common.DriverFeatureSelect = value;
                return;
            case VirtioMmioRegister.DriverFeatures:
                Common.WriteDriverFeatures(value);
                return;
            case VirtioMmioRegister.QueueSel:
                Common.QueueSelect = value;
                return;
            case VirtioMmioRegister.ShmSel:
                return;
            case VirtioMmioRegister.QueueNum:
                Common.WriteQueueSize(value);
                return;
            case VirtioMmioRegister.QueueDescLow or VirtioMmioRegister.QueueDescHigh:
                Common.WriteQueueAddress(VirtioQueueRing.Descriptors, offset == VirtioMmioRegister.QueueDescHigh, value);
                return;
            case VirtioMmioRegister.QueueDriverLow or VirtioMmioRegister.QueueDriverHigh:
                Common.WriteQueueAddress(VirtioQueueRing.Driver, offset == VirtioMmioRegister.QueueDriverHigh, value);
                return;
            case VirtioMmioRegister.QueueDeviceLow or VirtioMmioRegister.QueueDeviceHigh:
                Common.WriteQueueAddress(VirtioQueueRing.Device, offset == VirtioMmioRegister.QueueDeviceHigh, value);
                return;
            case VirtioMmioRegister.QueueReady when value <= 1:
                Common.WriteQueueEnable(value == 1);
                return;
            default:
                Common.CountIgnoredAccess();
                return;
        }
    }
}
