using System.Buffers.Binary;
using Vmm.Devices;
using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// The virtio-mmio transport, version 2 (VIRTIO 1.2 §4.2), in front of a <see cref="VirtioDevice"/>: an
/// <see cref="IMmioDevice"/> to register on the MMIO bus at a 4 KiB-aligned base (<see cref="RegionSize"/> bytes).
/// </summary>
/// <remarks>
/// <para>Guest rules enforced: registers are accessed with aligned 32-bit accesses only (anything else reads as zero
/// and writes are dropped, counted in <see cref="IgnoredAccessCount"/>); the status only gains bits in the order
/// ACKNOWLEDGE → DRIVER → FEATURES_OK → DRIVER_OK (FAILED at any time, 0 resets); FEATURES_OK is refused (not latched)
/// when the driver accepted a feature that was not offered or did not accept VIRTIO_F_VERSION_1; driver features are
/// writable only between DRIVER and FEATURES_OK; queue registers only after FEATURES_OK, before DRIVER_OK, while the
/// selected queue is not ready; QueueReady=1 validates the queue (size, alignment, rings in guest memory) and stays 0
/// when it is unsound; configuration accesses of 1, 2, 4 or 8 bytes inside the device's configuration space.</para>
/// <para>Queue notifications: a QueueNotify write calls <see cref="QueueNotificationHandler"/> when set (a VMM hands the
/// work to its event loop), otherwise processes the queue inline on the vCPU thread. With KVM ioeventfds the write never
/// reaches here: the VMM's event loop calls <see cref="NotifyQueue"/> when the eventfd fires.</para>
/// <para>Interrupts: the transport sets the interrupt status bit and calls <see cref="IInterruptLine.Pulse"/> (an edge,
/// i.e. a KVM irqfd); the driver reads InterruptStatus and acknowledges with InterruptACK.</para>
/// <para>Threading: register accesses may come from several vCPU threads; a short lock guards the register state. Queue
/// processing, activation and reset take the device's <see cref="VirtioDevice.QueueLock"/> first (never the other way
/// round), so a device processes its queues on one thread at a time; a status write may wait for a processing pass.</para>
/// </remarks>
public sealed class VirtioMmioTransport : IMmioDevice
{
    /// <summary>The MagicValue register's content, "virt" in little-endian.</summary>
    public const uint Magic = 0x74726976;

    /// <summary>The transport version implemented.</summary>
    public const uint TransportVersion = 2;

    /// <summary>The size of the MMIO window the transport answers in.</summary>
    public const int RegionSize = 0x1000;

    private readonly Lock _state = new();
    private readonly IInterruptLine _interrupt;
    private readonly SplitQueue[] _queues;
    private readonly Sink _sink;
    private GuestMemory _memory;
    private DeviceStatus _status;
    private uint _deviceFeaturesSel;
    private uint _driverFeaturesSel;
    private ulong _driverFeatures;
    private bool _driverFeaturesBeyond64;
    private uint _queueSel;
    private uint _interruptStatus;
    private uint _configGeneration;
    private long _ignoredAccesses;

    /// <summary>Creates a transport for <paramref name="device"/> over <paramref name="memory"/>, interrupting through <paramref name="interrupt"/>.</summary>
    public VirtioMmioTransport(VirtioDevice device, GuestMemory memory, IInterruptLine interrupt)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(interrupt);
        Device = device;
        _memory = memory;
        _interrupt = interrupt;
        _queues = new SplitQueue[device.QueueCount];
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new SplitQueue(device.GetQueueMaxSize(i));
        }

        _sink = new Sink(this);
    }

    /// <summary>The device behind the transport.</summary>
    public VirtioDevice Device { get; }

    /// <summary>The VendorID register's content.</summary>
    public uint VendorId { get; init; } = 0x4d4d5654; // "TVMM"

    /// <summary>The device's queues (observability: sizes, indices, error counters).</summary>
    public IReadOnlyList<SplitQueue> Queues => _queues;

    /// <summary>The current device status.</summary>
    public DeviceStatus Status
    {
        get
        {
            lock (_state)
            {
                return _status;
            }
        }
    }

    /// <summary>The pending interrupt reasons.</summary>
    public VirtioInterrupt PendingInterrupts => (VirtioInterrupt)Volatile.Read(ref _interruptStatus);

    /// <summary>The features the driver wrote (meaningful once FEATURES_OK is latched).</summary>
    public ulong DriverFeatures
    {
        get
        {
            lock (_state)
            {
                return _driverFeatures;
            }
        }
    }

    /// <summary>Register accesses dropped for their size, alignment, offset or the device state.</summary>
    public long IgnoredAccessCount => Interlocked.Read(ref _ignoredAccesses);

    /// <summary>
    /// When set, QueueNotify writes call this with the queue index instead of processing the queue on the vCPU thread
    /// (hand it to the event loop, which then calls <see cref="NotifyQueue"/>).
    /// </summary>
    public Action<int>? QueueNotificationHandler { get; set; }

    /// <summary>Replaces guest memory (after hot-plug): queues and the next activation use the new snapshot.</summary>
    public void UpdateMemory(GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        lock (Device.QueueLock)
        {
            lock (_state)
            {
                _memory = memory;
                foreach (var queue in _queues)
                {
                    if (queue.IsReady)
                    {
                        queue.UpdateMemory(memory);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Processes queue <paramref name="queueIndex"/>: the target of a QueueNotify write or of an ioeventfd firing. Ignored
    /// for an unknown queue, a queue that is not ready, or a device that is not activated. An exception from the device
    /// marks it DEVICE_NEEDS_RESET instead of reaching the caller.
    /// </summary>
    public void NotifyQueue(int queueIndex)
    {
        if ((uint)queueIndex >= (uint)_queues.Length)
        {
            Interlocked.Increment(ref _ignoredAccesses);
            return;
        }

        lock (Device.QueueLock)
        {
            if (!Device.IsActivated || !_queues[queueIndex].IsReady)
            {
                return;
            }

            try
            {
                Device.ProcessQueue(queueIndex);
            }
            catch (Exception)
            {
                _sink.DeviceNeedsReset();
            }
        }
    }

    /// <inheritdoc/>
    public void Read(ulong offset, Span<byte> data)
    {
        if (offset >= VirtioMmioRegister.Config)
        {
            ReadConfig(offset - VirtioMmioRegister.Config, data);
            return;
        }

        if (data.Length != 4 || (offset & 3) != 0)
        {
            Ignore(data);
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(data, ReadRegister((int)offset));
    }

    /// <inheritdoc/>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset >= VirtioMmioRegister.Config)
        {
            WriteConfig(offset - VirtioMmioRegister.Config, data);
            return;
        }

        if (data.Length != 4 || (offset & 3) != 0)
        {
            Interlocked.Increment(ref _ignoredAccesses);
            return;
        }

        uint value = BinaryPrimitives.ReadUInt32LittleEndian(data);
        switch ((int)offset)
        {
            case VirtioMmioRegister.QueueNotify:
                if (QueueNotificationHandler is { } handler)
                {
                    handler((int)Math.Min(value, int.MaxValue));
                }
                else
                {
                    NotifyQueue((int)Math.Min(value, int.MaxValue));
                }

                return;
            case VirtioMmioRegister.InterruptAck:
                AcknowledgeInterrupt(value);
                return;
            case VirtioMmioRegister.Status:
                WriteStatus(value);
                return;
            default:
                lock (_state)
                {
                    WriteRegister((int)offset, value);
                }

                return;
        }
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
                return Volatile.Read(ref _interruptStatus);
            case VirtioMmioRegister.ShmLenLow or VirtioMmioRegister.ShmLenHigh or VirtioMmioRegister.ShmBaseLow or VirtioMmioRegister.ShmBaseHigh:
                return uint.MaxValue;
        }

        lock (_state)
        {
            switch (offset)
            {
                case VirtioMmioRegister.DeviceFeatures:
                    return _deviceFeaturesSel switch
                    {
                        0 => (uint)Device.OfferedFeatures,
                        1 => (uint)(Device.OfferedFeatures >> 32),
                        _ => 0,
                    };
                case VirtioMmioRegister.QueueNumMax:
                    return SelectedQueue is { } q ? q.MaxSize : 0u;
                case VirtioMmioRegister.QueueReady:
                    return SelectedQueue is { IsReady: true } ? 1u : 0u;
                case VirtioMmioRegister.Status:
                    return (uint)_status;
                case VirtioMmioRegister.ConfigGeneration:
                    return _configGeneration;
                default:
                    Interlocked.Increment(ref _ignoredAccesses);
                    return 0;
            }
        }
    }

    private SplitQueue? SelectedQueue => _queueSel < (uint)_queues.Length ? _queues[_queueSel] : null;

    private bool QueueConfigurable =>
        (_status & (DeviceStatus.FeaturesOk | DeviceStatus.DriverOk | DeviceStatus.Failed)) == DeviceStatus.FeaturesOk
        && SelectedQueue is { IsReady: false };

    private void WriteRegister(int offset, uint value)
    {
        switch (offset)
        {
            case VirtioMmioRegister.DeviceFeaturesSel:
                _deviceFeaturesSel = value;
                return;
            case VirtioMmioRegister.DriverFeaturesSel:
                _driverFeaturesSel = value;
                return;
            case VirtioMmioRegister.DriverFeatures when (_status & (DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.Failed)) == DeviceStatus.Driver:
                switch (_driverFeaturesSel)
                {
                    case 0:
                        _driverFeatures = (_driverFeatures & 0xffff_ffff_0000_0000) | value;
                        break;
                    case 1:
                        _driverFeatures = (_driverFeatures & 0xffff_ffff) | ((ulong)value << 32);
                        break;
                    default:
                        _driverFeaturesBeyond64 |= value != 0;
                        break;
                }

                return;
            case VirtioMmioRegister.QueueSel:
                _queueSel = value;
                return;
            case VirtioMmioRegister.ShmSel:
                return;
            case VirtioMmioRegister.QueueNum when QueueConfigurable:
                SelectedQueue!.Size = (ushort)Math.Min(value, ushort.MaxValue);
                if (value > ushort.MaxValue)
                {
                    SelectedQueue.Size = 0;
                }

                return;
            case VirtioMmioRegister.QueueDescLow when QueueConfigurable:
                SelectedQueue!.DescriptorTable = Low(SelectedQueue.DescriptorTable, value);
                return;
            case VirtioMmioRegister.QueueDescHigh when QueueConfigurable:
                SelectedQueue!.DescriptorTable = High(SelectedQueue.DescriptorTable, value);
                return;
            case VirtioMmioRegister.QueueDriverLow when QueueConfigurable:
                SelectedQueue!.AvailRing = Low(SelectedQueue.AvailRing, value);
                return;
            case VirtioMmioRegister.QueueDriverHigh when QueueConfigurable:
                SelectedQueue!.AvailRing = High(SelectedQueue.AvailRing, value);
                return;
            case VirtioMmioRegister.QueueDeviceLow when QueueConfigurable:
                SelectedQueue!.UsedRing = Low(SelectedQueue.UsedRing, value);
                return;
            case VirtioMmioRegister.QueueDeviceHigh when QueueConfigurable:
                SelectedQueue!.UsedRing = High(SelectedQueue.UsedRing, value);
                return;
            case VirtioMmioRegister.QueueReady when QueueConfigurable && value == 1:
                var queue = SelectedQueue!;
                queue.EventIdxEnabled = (_driverFeatures & VirtioFeatures.RingEventIndex) != 0;
                queue.IndirectDescriptorsEnabled = (_driverFeatures & VirtioFeatures.RingIndirectDescriptors) != 0;
                if (!queue.TryMakeReady(_memory, out _))
                {
                    Interlocked.Increment(ref _ignoredAccesses);
                }

                return;
            case VirtioMmioRegister.QueueReady when value == 0 && (_status & DeviceStatus.DriverOk) == 0:
                SelectedQueue?.Reset();
                return;
            default:
                Interlocked.Increment(ref _ignoredAccesses);
                return;
        }
    }

    private void WriteStatus(uint value)
    {
        if (value > byte.MaxValue)
        {
            Interlocked.Increment(ref _ignoredAccesses);
            return;
        }

        lock (Device.QueueLock)
        {
            lock (_state)
            {
                if (value == 0)
                {
                    ResetLocked();
                    return;
                }

                var current = _status;
                var requested = (DeviceStatus)value & ~DeviceStatus.DeviceNeedsReset;
                var kept = current & ~DeviceStatus.DeviceNeedsReset;
                if ((requested & kept) != kept)
                {
                    // Clearing bits other than by reset is not a transition the specification allows.
                    Interlocked.Increment(ref _ignoredAccesses);
                    return;
                }

                var added = requested & ~kept;
                if (!InOrder(requested))
                {
                    Interlocked.Increment(ref _ignoredAccesses);
                    return;
                }

                if ((added & DeviceStatus.FeaturesOk) != 0 && !FeaturesAcceptable())
                {
                    requested &= ~DeviceStatus.FeaturesOk;
                    added &= ~DeviceStatus.FeaturesOk;
                    if ((requested & DeviceStatus.DriverOk) != 0)
                    {
                        Interlocked.Increment(ref _ignoredAccesses);
                        return;
                    }
                }

                _status = requested | (current & DeviceStatus.DeviceNeedsReset);
                if ((added & DeviceStatus.DriverOk) != 0 && (requested & DeviceStatus.Failed) == 0)
                {
                    Activate();
                }
            }
        }
    }

    private static bool InOrder(DeviceStatus s)
    {
        static bool Has(DeviceStatus s, DeviceStatus bit) => (s & bit) != 0;
        if (Has(s, DeviceStatus.Driver) && !Has(s, DeviceStatus.Acknowledge))
        {
            return false;
        }

        if (Has(s, DeviceStatus.FeaturesOk) && !Has(s, DeviceStatus.Driver))
        {
            return false;
        }

        return !Has(s, DeviceStatus.DriverOk) || Has(s, DeviceStatus.FeaturesOk);
    }

    private bool FeaturesAcceptable() =>
        !_driverFeaturesBeyond64
        && (_driverFeatures & ~Device.OfferedFeatures) == 0
        && (_driverFeatures & VirtioFeatures.Version1) != 0;

    // Called with both locks held.
    private void Activate()
    {
        var context = new VirtioDeviceContext(_memory, _queues, _driverFeatures, _sink);
        bool ok;
        try
        {
            ok = Device.Activate(context);
        }
        catch (Exception)
        {
            ok = false;
        }

        if (!ok)
        {
            SetNeedsResetLocked();
        }
    }

    // Called with both locks held.
    private void ResetLocked()
    {
        try
        {
            Device.Reset();
        }
        catch (Exception)
        {
            // A failing device reset must not take the VMM down; the device is dropped to its reset state regardless.
        }

        foreach (var queue in _queues)
        {
            queue.Reset();
        }

        _status = DeviceStatus.None;
        _deviceFeaturesSel = 0;
        _driverFeaturesSel = 0;
        _driverFeatures = 0;
        _driverFeaturesBeyond64 = false;
        _queueSel = 0;
        Volatile.Write(ref _interruptStatus, 0);
    }

    private void SetNeedsResetLocked()
    {
        if ((_status & DeviceStatus.DriverOk) == 0 || (_status & DeviceStatus.DeviceNeedsReset) != 0)
        {
            return;
        }

        _status |= DeviceStatus.DeviceNeedsReset;
        _configGeneration++;
        RaiseInterrupt(VirtioInterrupt.ConfigChange);
    }

    private void AcknowledgeInterrupt(uint value)
    {
        Interlocked.And(ref _interruptStatus, ~value);
    }

    private void RaiseInterrupt(VirtioInterrupt reason)
    {
        Interlocked.Or(ref _interruptStatus, (uint)reason);
        _interrupt.Pulse();
    }

    private void ReadConfig(ulong offset, Span<byte> data)
    {
        if (!ConfigAccessValid(offset, data.Length))
        {
            Ignore(data);
            return;
        }

        lock (_state)
        {
            Device.ReadConfig((int)offset, data);
        }
    }

    private void WriteConfig(ulong offset, ReadOnlySpan<byte> data)
    {
        if (!ConfigAccessValid(offset, data.Length))
        {
            Interlocked.Increment(ref _ignoredAccesses);
            return;
        }

        lock (_state)
        {
            Device.WriteConfig((int)offset, data);
        }
    }

    private bool ConfigAccessValid(ulong offset, int length) =>
        length is 1 or 2 or 4 or 8 && offset < (ulong)Device.ConfigSize && (ulong)length <= (ulong)Device.ConfigSize - offset;

    private void Ignore(Span<byte> data)
    {
        data.Clear();
        Interlocked.Increment(ref _ignoredAccesses);
    }

    private static GuestAddress Low(GuestAddress current, uint value) => new((current.Value & 0xffff_ffff_0000_0000) | value);

    private static GuestAddress High(GuestAddress current, uint value) => new((current.Value & 0xffff_ffff) | ((ulong)value << 32));

    private sealed class Sink(VirtioMmioTransport transport) : IVirtioTransportSink
    {
        public void Interrupt(VirtioInterrupt reason) => transport.RaiseInterrupt(reason);

        public void ConfigChanged()
        {
            lock (transport._state)
            {
                transport._configGeneration++;
            }

            transport.RaiseInterrupt(VirtioInterrupt.ConfigChange);
        }

        public void DeviceNeedsReset()
        {
            lock (transport._state)
            {
                transport.SetNeedsResetLocked();
            }
        }
    }
}
