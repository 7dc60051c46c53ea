using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// The transport-neutral half of every virtio transport: what virtio-mmio's registers and virtio-pci's common
/// configuration structure share — feature selection and negotiation, the device status state machine, queue selection
/// and configuration, the interrupt status, the config generation, device activation and reset, and queue notifications.
/// A transport decodes its own registers into calls on this type and nothing else (see the package README, "Adding a
/// transport").
/// </summary>
/// <remarks>
/// <para>Guest rules enforced: the status only gains bits in the order ACKNOWLEDGE → DRIVER → FEATURES_OK → DRIVER_OK
/// (FAILED at any time, 0 resets); FEATURES_OK is refused (not latched) when the driver accepted a feature that was not
/// offered or did not accept VIRTIO_F_VERSION_1; driver features are writable only between DRIVER and FEATURES_OK; queue
/// configuration only after FEATURES_OK, before DRIVER_OK, while the selected queue is not ready; enabling a queue
/// validates it (size, alignment, rings in guest memory) and leaves it disabled when it is unsound; configuration
/// accesses of 1, 2, 4 or 8 bytes inside the device's configuration space. Refused accesses are counted in
/// <see cref="IgnoredAccessCount"/>.</para>
/// <para>Threading: register accesses may come from several vCPU threads; a short lock guards the state. Queue processing,
/// activation and reset take the device's <see cref="VirtioDevice.QueueLock"/> first (never the other way round), so a
/// device processes its queues on one thread at a time.</para>
/// <para>A device that throws is marked DEVICE_NEEDS_RESET (never the VMM's problem); the first such exception raises
/// <see cref="Faulted"/> and every one is counted in <see cref="FaultCount"/>.</para>
/// </remarks>
public sealed class VirtioCommonConfig
{
    private readonly Lock _state = new();
    private readonly IVirtioInterrupt _interrupt;
    private readonly SplitQueue[] _queues;
    private readonly Sink _sink;
    private GuestMemory _memory;
    private DeviceStatus _status;
    private uint _deviceFeatureSelect;
    private uint _driverFeatureSelect;
    private ulong _driverFeatures;
    private bool _driverFeaturesBeyond64;
    private uint _queueSelect;
    private uint _interruptStatus;
    private uint _configGeneration;
    private long _ignoredAccesses;
    private long _faults;

    /// <summary>Creates the common state for <paramref name="device"/> over <paramref name="memory"/>, interrupting through <paramref name="interrupt"/>.</summary>
    /// <param name="device">The device model.</param>
    /// <param name="memory">Guest memory (replace it with <see cref="UpdateMemory"/> after hot-plug).</param>
    /// <param name="interrupt">How the transport delivers interrupts.</param>
    /// <param name="name">The device's name in logs and fault reports (defaults to the device type).</param>
    public VirtioCommonConfig(VirtioDevice device, GuestMemory memory, IVirtioInterrupt interrupt, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(interrupt);
        Device = device;
        Name = name ?? device.DeviceType.ToString().ToLowerInvariant();
        _memory = memory;
        _interrupt = interrupt;
        _queues = new SplitQueue[device.QueueCount];
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new SplitQueue(device.GetQueueMaxSize(i));
        }

        _sink = new Sink(this);
    }

    /// <summary>Raised once, for the first exception a device throws while driven (later ones are only counted).</summary>
    public event EventHandler<VirtioDeviceFaultEventArgs>? Faulted;

    /// <summary>The device.</summary>
    public VirtioDevice Device { get; }

    /// <summary>The device's name in logs and fault reports.</summary>
    public string Name { get; }

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

    /// <summary>The configuration generation (bumped on every configuration change).</summary>
    public uint ConfigGeneration
    {
        get
        {
            lock (_state)
            {
                return _configGeneration;
            }
        }
    }

    /// <summary>The pending interrupt reasons (virtio-mmio InterruptStatus, virtio-pci ISR).</summary>
    public VirtioInterrupt InterruptStatus => (VirtioInterrupt)Volatile.Read(ref _interruptStatus);

    /// <summary>Accesses refused for their size, alignment, offset or the device state.</summary>
    public long IgnoredAccessCount => Interlocked.Read(ref _ignoredAccesses);

    /// <summary>Exceptions the device threw while driven (each one marked it DEVICE_NEEDS_RESET).</summary>
    public long FaultCount => Interlocked.Read(ref _faults);

    /// <summary>The feature window <see cref="ReadDeviceFeatures"/> shows (0: bits 0–31, 1: bits 32–63).</summary>
    public uint DeviceFeatureSelect
    {
        get => Volatile.Read(ref _deviceFeatureSelect);
        set => Volatile.Write(ref _deviceFeatureSelect, value);
    }

    /// <summary>The feature window <see cref="WriteDriverFeatures"/> and <see cref="ReadDriverFeatures"/> address.</summary>
    public uint DriverFeatureSelect
    {
        get => Volatile.Read(ref _driverFeatureSelect);
        set => Volatile.Write(ref _driverFeatureSelect, value);
    }

    /// <summary>The queue the queue accessors address (an index beyond the device's queues selects nothing).</summary>
    public uint QueueSelect
    {
        get => Volatile.Read(ref _queueSelect);
        set => Volatile.Write(ref _queueSelect, value);
    }

    /// <summary>The selected queue, or null when <see cref="QueueSelect"/> is beyond the device's queues.</summary>
    public SplitQueue? SelectedQueue
    {
        get
        {
            uint index = QueueSelect;
            return index < (uint)_queues.Length ? _queues[index] : null;
        }
    }

    /// <summary>Whether the selected queue is ready.</summary>
    public bool SelectedQueueReady => SelectedQueue is { IsReady: true };

    /// <summary>Counts an access a transport refused while decoding its registers.</summary>
    public void CountIgnoredAccess() => Interlocked.Increment(ref _ignoredAccesses);

    /// <summary>The 32 offered feature bits of the window <see cref="DeviceFeatureSelect"/> selects.</summary>
    public uint ReadDeviceFeatures() => DeviceFeatureSelect switch
    {
        0 => (uint)Device.OfferedFeatures,
        1 => (uint)(Device.OfferedFeatures >> 32),
        _ => 0,
    };

    /// <summary>The 32 driver feature bits of the window <see cref="DriverFeatureSelect"/> selects.</summary>
    public uint ReadDriverFeatures()
    {
        lock (_state)
        {
            return _driverFeatureSelect switch
            {
                0 => (uint)_driverFeatures,
                1 => (uint)(_driverFeatures >> 32),
                _ => 0,
            };
        }
    }

    /// <summary>Writes the 32 driver feature bits of the selected window; refused unless the status is past DRIVER and before FEATURES_OK.</summary>
    public void WriteDriverFeatures(uint value)
    {
        lock (_state)
        {
            if ((_status & (DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.Failed)) != DeviceStatus.Driver)
            {
                CountIgnoredAccess();
                return;
            }

            switch (_driverFeatureSelect)
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
        }
    }

    /// <summary>Sets the selected queue's size (refused outside queue configuration; a size above 65535 is stored as the invalid size 0).</summary>
    public void WriteQueueSize(uint value)
    {
        lock (_state)
        {
            if (ConfigurableQueue() is not { } queue)
            {
                CountIgnoredAccess();
                return;
            }

            queue.Size = value > ushort.MaxValue ? (ushort)0 : (ushort)value;
        }
    }

    /// <summary>Sets the low or high 32 bits of one of the selected queue's ring addresses (refused outside queue configuration).</summary>
    public void WriteQueueAddress(VirtioQueueRing ring, bool highHalf, uint value)
    {
        lock (_state)
        {
            if (ConfigurableQueue() is not { } queue)
            {
                CountIgnoredAccess();
                return;
            }

            switch (ring)
            {
                case VirtioQueueRing.Descriptors:
                    queue.DescriptorTable = Combine(queue.DescriptorTable, highHalf, value);
                    break;
                case VirtioQueueRing.Driver:
                    queue.AvailRing = Combine(queue.AvailRing, highHalf, value);
                    break;
                case VirtioQueueRing.Device:
                    queue.UsedRing = Combine(queue.UsedRing, highHalf, value);
                    break;
                default:
                    CountIgnoredAccess();
                    break;
            }
        }
    }

    /// <summary>One of the selected queue's ring addresses (zero when nothing is selected).</summary>
    public GuestAddress ReadQueueAddress(VirtioQueueRing ring)
    {
        lock (_state)
        {
            return SelectedQueue is not { } queue ? default : ring switch
            {
                VirtioQueueRing.Descriptors => queue.DescriptorTable,
                VirtioQueueRing.Driver => queue.AvailRing,
                _ => queue.UsedRing,
            };
        }
    }

    /// <summary>
    /// The driver enables (true) or disables (false) the selected queue. Enabling is allowed during queue configuration and
    /// validates the queue first (an unsound queue stays disabled and the access is counted); disabling only before DRIVER_OK.
    /// </summary>
    public void WriteQueueEnable(bool enable)
    {
        lock (_state)
        {
            if (enable && ConfigurableQueue() is { } queue)
            {
                queue.EventIdxEnabled = (_driverFeatures & VirtioFeatures.RingEventIndex) != 0;
                queue.IndirectDescriptorsEnabled = (_driverFeatures & VirtioFeatures.RingIndirectDescriptors) != 0;
                if (!queue.TryMakeReady(_memory, out _))
                {
                    CountIgnoredAccess();
                }
            }
            else if (!enable && (_status & DeviceStatus.DriverOk) == 0)
            {
                SelectedQueue?.Reset();
            }
            else
            {
                CountIgnoredAccess();
            }
        }
    }

    /// <summary>
    /// The driver writes the device status: 0 resets the device; otherwise bits may only be added, in order; FEATURES_OK
    /// is latched only for acceptable features; DRIVER_OK activates the device (a refusal sets DEVICE_NEEDS_RESET).
    /// </summary>
    public void WriteStatus(uint value)
    {
        if (value > byte.MaxValue)
        {
            CountIgnoredAccess();
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
                if ((requested & kept) != kept || !InOrder(requested))
                {
                    // Clearing bits other than by reset, or skipping a step, is not a transition the specification allows.
                    CountIgnoredAccess();
                    return;
                }

                var added = requested & ~kept;
                if ((added & DeviceStatus.FeaturesOk) != 0 && !FeaturesAcceptable())
                {
                    requested &= ~DeviceStatus.FeaturesOk;
                    added &= ~DeviceStatus.FeaturesOk;
                    if ((requested & DeviceStatus.DriverOk) != 0)
                    {
                        CountIgnoredAccess();
                        return;
                    }
                }

                _status = requested | (current & DeviceStatus.DeviceNeedsReset);
                if ((added & DeviceStatus.DriverOk) != 0 && (requested & DeviceStatus.Failed) == 0)
                {
                    ActivateLocked();
                }
            }
        }
    }

    /// <summary>Resets the device, its queues and this state (as a status write of 0 does).</summary>
    public void Reset() => WriteStatus(0);

    /// <summary>
    /// Processes queue <paramref name="queueIndex"/>: the target of a notification register write or of an ioeventfd
    /// firing. Ignored for an unknown queue, a queue that is not ready, or a device that is not activated. An exception
    /// from the device marks it DEVICE_NEEDS_RESET instead of reaching the caller.
    /// </summary>
    public void NotifyQueue(int queueIndex)
    {
        if ((uint)queueIndex >= (uint)_queues.Length)
        {
            CountIgnoredAccess();
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
            catch (Exception e)
            {
                ReportFault(e, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"queue {queueIndex}"));
                _sink.DeviceNeedsReset();
            }
        }
    }

    /// <summary>Clears the interrupt status bits set in <paramref name="value"/> (virtio-mmio InterruptACK).</summary>
    public void AcknowledgeInterrupt(uint value) => Interlocked.And(ref _interruptStatus, ~value);

    /// <summary>Returns the interrupt status and clears it (a read of virtio-pci's ISR field).</summary>
    public VirtioInterrupt ReadAndClearInterruptStatus() => (VirtioInterrupt)Interlocked.Exchange(ref _interruptStatus, 0);

    /// <summary>Reads the device configuration space; an access of a size other than 1, 2, 4 or 8 or beyond the space reads zeros and is counted.</summary>
    public void ReadConfig(ulong offset, Span<byte> data)
    {
        if (!ConfigAccessValid(offset, data.Length))
        {
            data.Clear();
            CountIgnoredAccess();
            return;
        }

        lock (_state)
        {
            Device.ReadConfig((int)offset, data);
        }
    }

    /// <summary>Writes the device configuration space; an invalid access (as for <see cref="ReadConfig"/>) is dropped and counted.</summary>
    public void WriteConfig(ulong offset, ReadOnlySpan<byte> data)
    {
        if (!ConfigAccessValid(offset, data.Length))
        {
            CountIgnoredAccess();
            return;
        }

        lock (_state)
        {
            Device.WriteConfig((int)offset, data);
        }
    }

    /// <summary>Replaces guest memory (after hot-plug): ready queues and the next activation use the new snapshot.</summary>
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

    private SplitQueue? ConfigurableQueue() =>
        (_status & (DeviceStatus.FeaturesOk | DeviceStatus.DriverOk | DeviceStatus.Failed)) == DeviceStatus.FeaturesOk
        && SelectedQueue is { IsReady: false } queue ? queue : null;

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
    private void ActivateLocked()
    {
        var context = new VirtioDeviceContext(_memory, _queues, _driverFeatures, _sink);
        bool ok;
        try
        {
            ok = Device.Activate(context);
        }
        catch (Exception e)
        {
            ReportFault(e, "activate");
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
        catch (Exception e)
        {
            // A failing device reset must not take the VMM down; the device is dropped to its reset state regardless.
            ReportFault(e, "reset");
        }

        foreach (var queue in _queues)
        {
            queue.Reset();
        }

        _status = DeviceStatus.None;
        _deviceFeatureSelect = 0;
        _driverFeatureSelect = 0;
        _driverFeatures = 0;
        _driverFeaturesBeyond64 = false;
        _queueSelect = 0;
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
        RaiseConfigChange();
    }

    private void RaiseConfigChange()
    {
        Interlocked.Or(ref _interruptStatus, (uint)VirtioInterrupt.ConfigChange);
        _interrupt.SignalConfigChange();
    }

    private void ReportFault(Exception exception, string operation)
    {
        if (Interlocked.Increment(ref _faults) == 1)
        {
            Faulted?.Invoke(this, new VirtioDeviceFaultEventArgs(Name, operation, exception));
        }
    }

    private bool ConfigAccessValid(ulong offset, int length) =>
        length is 1 or 2 or 4 or 8 && offset < (ulong)Device.ConfigSize && (ulong)length <= (ulong)Device.ConfigSize - offset;

    private static GuestAddress Combine(GuestAddress current, bool highHalf, uint value) => highHalf
        ? new((current.Value & 0xffff_ffff) | ((ulong)value << 32))
        : new((current.Value & 0xffff_ffff_0000_0000) | value);

    private sealed class Sink(VirtioCommonConfig common) : IVirtioTransportSink
    {
        public void SignalUsedQueue(int queueIndex)
        {
            Interlocked.Or(ref common._interruptStatus, (uint)VirtioInterrupt.UsedBuffer);
            common._interrupt.SignalQueue(queueIndex);
        }

        public void ConfigChanged()
        {
            lock (common._state)
            {
                common._configGeneration++;
            }

            common.RaiseConfigChange();
        }

        public void DeviceNeedsReset()
        {
            lock (common._state)
            {
                common.SetNeedsResetLocked();
            }
        }
    }
}
