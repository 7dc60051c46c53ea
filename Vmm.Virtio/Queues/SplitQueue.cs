using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// The device side of a split virtqueue (VIRTIO 1.2 §2.7), written for a hostile driver: the configuration is
/// validated before the queue becomes ready, every index read from the rings is range-checked, chains are walked
/// with a bound and validated completely before the device sees them, and any malformation is reported as a
/// <see cref="QueueError"/> (and counted in <see cref="Errors"/>).
/// </summary>
/// <remarks>
/// <para>Threading: one thread at a time processes a queue (the transport serialises processing); configuration
/// happens before activation under the transport's lock.</para>
/// <para>A popped <see cref="DescriptorChain"/> is a snapshot of the descriptors taken once (no time-of-check/time-of-use
/// window on the descriptors themselves) held in a buffer owned by the queue: it stays valid until the next pop on
/// this queue. Buffer addresses are checked each time the device touches them.</para>
/// </remarks>
public sealed class SplitQueue
{
    /// <summary>The largest queue size the split ring allows.</summary>
    public const ushort MaxQueueSize = 32768;

    /// <summary>The largest indirect table accepted, in descriptors (the table of one chain).</summary>
    public const int MaxIndirectDescriptors = 1024;

    /// <summary>VRING_AVAIL_F_NO_INTERRUPT in the available ring's flags.</summary>
    public const ushort AvailFlagNoInterrupt = 1;

    /// <summary>VRING_USED_F_NO_NOTIFY in the used ring's flags.</summary>
    public const ushort UsedFlagNoNotify = 1;

    private GuestMemory? _memory;
    private Descriptor[] _scratch = [];
    private int _generation;
    private ushort _size;
    private GuestAddress _descriptorTable;
    private GuestAddress _availRing;
    private GuestAddress _usedRing;
    private ushort _nextAvail;
    private ushort _nextUsed;
    private ushort _signalledUsed;
    private bool _signalledUsedValid;
    private bool _notificationsEnabled = true;
    private ushort _usedFlags;
    private QueueError _fatal;

    /// <summary>Creates a queue whose size the driver may set up to <paramref name="maxSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is zero, not a power of two or above <see cref="MaxQueueSize"/>.</exception>
    public SplitQueue(ushort maxSize)
    {
        if (!SplitRing.IsValidQueueSize(maxSize))
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "A queue's maximum size must be a power of two between 1 and 32768.");
        }

        MaxSize = maxSize;
        _size = maxSize;
    }

    /// <summary>The device maximum (QueueNumMax).</summary>
    public ushort MaxSize { get; }

    /// <summary>Per-kind counts of the errors this queue met.</summary>
    public QueueErrorCounters Errors { get; } = new();

    /// <summary>Whether the queue is ready (validated and live).</summary>
    public bool IsReady { get; private set; }

    /// <summary>The fatal error that broke the queue, or <see cref="QueueError.None"/>.</summary>
    public QueueError FatalError => _fatal;

    /// <summary>The size the driver chose (QueueNum). Defaults to <see cref="MaxSize"/>.</summary>
    /// <exception cref="InvalidOperationException">Set while the queue is ready.</exception>
    public ushort Size
    {
        get => _size;
        set => _size = NotReady(value);
    }

    /// <summary>The guest-physical address of the descriptor table.</summary>
    /// <exception cref="InvalidOperationException">Set while the queue is ready.</exception>
    public GuestAddress DescriptorTable
    {
        get => _descriptorTable;
        set => _descriptorTable = NotReady(value);
    }

    /// <summary>The guest-physical address of the available (driver) ring.</summary>
    /// <exception cref="InvalidOperationException">Set while the queue is ready.</exception>
    public GuestAddress AvailRing
    {
        get => _availRing;
        set => _availRing = NotReady(value);
    }

    /// <summary>The guest-physical address of the used (device) ring.</summary>
    /// <exception cref="InvalidOperationException">Set while the queue is ready.</exception>
    public GuestAddress UsedRing
    {
        get => _usedRing;
        set => _usedRing = NotReady(value);
    }

    /// <summary>Whether VIRTIO_F_EVENT_IDX was negotiated (used_event/avail_event suppression instead of the flags).</summary>
    public bool EventIdxEnabled { get; set; }

    /// <summary>Whether VIRTIO_F_INDIRECT_DESC was negotiated (otherwise an indirect descriptor is a chain error).</summary>
    public bool IndirectDescriptorsEnabled { get; set; }

    /// <summary>The next available-ring index the device will read.</summary>
    public ushort NextAvail => _nextAvail;

    /// <summary>The next used-ring index the device will write.</summary>
    public ushort NextUsed => _nextUsed;

    /// <summary>The guest memory the queue was made ready with.</summary>
    public GuestMemory? Memory => _memory;

    /// <summary>Checks the configuration against the rules of §2.7 and <paramref name="memory"/>; returns the first problem.</summary>
    public QueueError Validate(GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (!SplitRing.IsValidQueueSize(_size, MaxSize))
        {
            return QueueError.InvalidSize;
        }

        if ((_descriptorTable.Value & 15) != 0)
        {
            return QueueError.MisalignedDescriptorTable;
        }

        if ((_availRing.Value & 1) != 0)
        {
            return QueueError.MisalignedAvailRing;
        }

        if ((_usedRing.Value & 3) != 0)
        {
            return QueueError.MisalignedUsedRing;
        }

        if (!memory.IsValidRange(_descriptorTable, (ulong)Descriptor.Size * _size))
        {
            return QueueError.DescriptorTableOutOfMemory;
        }

        if (!memory.IsValidRange(_availRing, AvailRingBytes(_size)))
        {
            return QueueError.AvailRingOutOfMemory;
        }

        return memory.IsValidRange(_usedRing, UsedRingBytes(_size)) ? QueueError.None : QueueError.UsedRingOutOfMemory;
    }

    /// <summary>The bytes of an available ring of <paramref name="size"/> entries, used_event included.</summary>
    public static ulong AvailRingBytes(ushort size) => SplitRing.AvailRingBytes(size);

    /// <summary>The bytes of a used ring of <paramref name="size"/> entries, avail_event included.</summary>
    public static ulong UsedRingBytes(ushort size) => SplitRing.UsedRingBytes(size);

    /// <summary>Validates the configuration and, when it is sound, makes the queue ready over <paramref name="memory"/>.</summary>
    public bool TryMakeReady(GuestMemory memory, out QueueError error)
    {
        error = Validate(memory);
        if (error != QueueError.None)
        {
            Errors.Record(error);
            return false;
        }

        int capacity = _size + MaxIndirectDescriptors;
        if (_scratch.Length < capacity)
        {
            _scratch = new Descriptor[capacity];
        }

        _memory = memory;
        _fatal = QueueError.None;
        IsReady = true;
        return true;
    }

    /// <summary>Replaces the guest memory snapshot (after memory hot-plug) without touching the queue state.</summary>
    public void UpdateMemory(GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        _memory = memory;
    }

    /// <summary>Returns the queue to its power-on state: not ready, size = max, addresses zero, indices zero.</summary>
    public void Reset()
    {
        IsReady = false;
        _memory = null;
        _size = MaxSize;
        _descriptorTable = default;
        _availRing = default;
        _usedRing = default;
        _nextAvail = 0;
        _nextUsed = 0;
        _signalledUsed = 0;
        _signalledUsedValid = false;
        _notificationsEnabled = true;
        _usedFlags = 0;
        _fatal = QueueError.None;
        EventIdxEnabled = false;
        IndirectDescriptorsEnabled = false;
        _generation++;
    }

    /// <summary>How many chains the driver has made available and the device has not popped yet (0 on error).</summary>
    public int PendingCount
    {
        get
        {
            if (!IsReady || _fatal != QueueError.None || !_memory!.TryLoadAcquireUInt16(Offset(_availRing, SplitRing.IndexOffset), out ushort idx))
            {
                return 0;
            }

            int pending = (ushort)(idx - _nextAvail);
            return pending <= _size ? pending : 0;
        }
    }

    /// <summary>
    /// Pops the next available chain. Returns true with a valid chain; false with <see cref="QueueError.None"/> when
    /// nothing is available; false with a chain error when the next chain is malformed (it is consumed, and
    /// <paramref name="chain"/> carries its head index when that index is usable — return it to the used ring with
    /// length 0); false with a fatal error when the queue is broken.
    /// </summary>
    public bool TryPop(out DescriptorChain chain, out QueueError error)
    {
        chain = default;
        if (!IsReady)
        {
            error = QueueError.QueueNotReady;
            return false;
        }

        if (_fatal != QueueError.None)
        {
            error = _fatal;
            return false;
        }

        var memory = _memory!;
        if (!memory.TryLoadAcquireUInt16(Offset(_availRing, SplitRing.IndexOffset), out ushort availIdx))
        {
            error = Fail(QueueError.AvailRingUnreadable);
            return false;
        }

        ushort pending = (ushort)(availIdx - _nextAvail);
        if (pending == 0)
        {
            error = QueueError.None;
            return false;
        }

        if (pending > _size)
        {
            error = Fail(QueueError.AvailIndexOutOfRange);
            return false;
        }

        if (!memory.TryRead(Offset(_availRing, SplitRing.AvailEntryOffset(_nextAvail & (uint)(_size - 1))), out ushort head))
        {
            error = Fail(QueueError.AvailRingUnreadable);
            return false;
        }

        _nextAvail++;
        if (EventIdxEnabled && _notificationsEnabled)
        {
            WriteAvailEvent();
        }

        _generation++;
        error = Parse(memory, head, out int count, out int readable, out uint readableLength, out uint writableLength);
        if (error != QueueError.None)
        {
            Errors.Record(error);
            chain = new DescriptorChain(this, _generation, head, head < _size, 0, 0, 0, 0);
            return false;
        }

        chain = new DescriptorChain(this, _generation, head, true, count, readable, readableLength, writableLength);
        return true;
    }

    /// <summary>
    /// Puts a completed chain on the used ring: writes the element, then publishes the new used index with release
    /// ordering. <paramref name="length"/> is the number of bytes the device wrote into the chain.
    /// </summary>
    /// <returns><see cref="QueueError.None"/>, <see cref="QueueError.HeadIndexOutOfRange"/>, or a fatal error.</returns>
    public QueueError AddUsed(ushort headIndex, uint length)
    {
        if (!IsReady)
        {
            return QueueError.QueueNotReady;
        }

        if (_fatal != QueueError.None)
        {
            return _fatal;
        }

        if (headIndex >= _size)
        {
            Errors.Record(QueueError.HeadIndexOutOfRange);
            return QueueError.HeadIndexOutOfRange;
        }

        var memory = _memory!;
        var slot = Offset(_usedRing, SplitRing.UsedEntryOffset(_nextUsed & (uint)(_size - 1)));
        if (!memory.TryWrite(slot, new UsedElement(headIndex, length)))
        {
            return Fail(QueueError.UsedRingUnwritable);
        }

        _nextUsed++;
        return memory.TryStoreReleaseUInt16(Offset(_usedRing, SplitRing.IndexOffset), _nextUsed) ? QueueError.None : Fail(QueueError.UsedRingUnwritable);
    }

    /// <summary>
    /// Whether the driver wants an interrupt for the used entries added since the last call that returned true
    /// (or since the last call, with EVENT_IDX), following Linux's virtio_ring: with EVENT_IDX, true when used_event
    /// lies in [old, new) modulo 2^16 (vring_need_event); without it, true unless VRING_AVAIL_F_NO_INTERRUPT is set.
    /// </summary>
    public bool NeedsNotification()
    {
        if (!IsReady || _memory is not { } memory)
        {
            return false;
        }

        // The used index store must be visible before we read the driver's suppression fields (smp_mb in Linux).
        Interlocked.MemoryBarrier();
        ushort newUsed = _nextUsed;
        if (EventIdxEnabled)
        {
            if (!memory.TryRead(Offset(_availRing, SplitRing.UsedEventOffset(_size)), out ushort usedEvent))
            {
                return true;
            }

            ushort old = _signalledUsed;
            bool valid = _signalledUsedValid;
            _signalledUsed = newUsed;
            _signalledUsedValid = true;
            return !valid || NeedEvent(usedEvent, newUsed, old);
        }

        return !memory.TryRead(_availRing, out ushort flags) || (flags & AvailFlagNoInterrupt) == 0;
    }

    /// <summary>vring_need_event: whether <paramref name="eventIndex"/> lies in [<paramref name="oldIndex"/>, <paramref name="newIndex"/>) modulo 2^16.</summary>
    public static bool NeedEvent(ushort eventIndex, ushort newIndex, ushort oldIndex) =>
        (ushort)(newIndex - eventIndex - 1) < (ushort)(newIndex - oldIndex);

    /// <summary>Asks the driver not to notify (VRING_USED_F_NO_NOTIFY; with EVENT_IDX avail_event stops advancing).</summary>
    public void DisableNotification()
    {
        _notificationsEnabled = false;
        if (!EventIdxEnabled && IsReady)
        {
            _usedFlags |= UsedFlagNoNotify;
            _memory!.TryWrite(_usedRing, _usedFlags);
        }
    }

    /// <summary>
    /// Asks the driver to notify again (clears VRING_USED_F_NO_NOTIFY, or sets avail_event to the next index) and
    /// returns whether chains became available meanwhile (process them before sleeping).
    /// </summary>
    public bool EnableNotification()
    {
        _notificationsEnabled = true;
        if (!IsReady || _fatal != QueueError.None)
        {
            return false;
        }

        if (EventIdxEnabled)
        {
            WriteAvailEvent();
        }
        else
        {
            _usedFlags &= unchecked((ushort)~UsedFlagNoNotify);
            _memory!.TryWrite(_usedRing, _usedFlags);
        }

        Interlocked.MemoryBarrier();
        return _memory!.TryLoadAcquireUInt16(Offset(_availRing, SplitRing.IndexOffset), out ushort idx) && idx != _nextAvail;
    }

    /// <summary>Captures the queue state.</summary>
    public SplitQueueState CaptureState() => new(
        MaxSize, _size, IsReady, _descriptorTable, _availRing, _usedRing, _nextAvail, _nextUsed, EventIdxEnabled, IndirectDescriptorsEnabled);

    /// <summary>
    /// Restores a captured state (possibly from an untrusted snapshot file). A ready state is validated against
    /// <paramref name="memory"/> like a driver's configuration.
    /// </summary>
    /// <returns><see cref="QueueError.None"/>, or the configuration problem (the queue is then reset and not ready).</returns>
    /// <exception cref="ArgumentException">The state was captured from a queue with another maximum size.</exception>
    public QueueError RestoreState(in SplitQueueState state, GuestMemory memory)
    {
        if (state.MaxSize != MaxSize)
        {
            throw new ArgumentException($"The state is for a queue of maximum size {state.MaxSize}, not {MaxSize}.", nameof(state));
        }

        Reset();
        _size = state.Size;
        _descriptorTable = state.DescriptorTable;
        _availRing = state.AvailRing;
        _usedRing = state.UsedRing;
        EventIdxEnabled = state.EventIdxEnabled;
        IndirectDescriptorsEnabled = state.IndirectDescriptorsEnabled;
        if (state.Ready && !TryMakeReady(memory, out var error))
        {
            Reset();
            return error;
        }

        _nextAvail = state.NextAvail;
        _nextUsed = state.NextUsed;
        return QueueError.None;
    }

    internal ReadOnlySpan<Descriptor> ChainDescriptors(int generation, int count)
    {
        if (generation != _generation)
        {
            throw new InvalidOperationException("The descriptor chain is stale: the queue popped another chain or was reset since.");
        }

        return _scratch.AsSpan(0, count);
    }

    private QueueError Parse(GuestMemory memory, ushort head, out int count, out int readable, out uint readableLength, out uint writableLength)
    {
        count = 0;
        readable = 0;
        readableLength = 0;
        writableLength = 0;
        if (head >= _size)
        {
            return QueueError.HeadIndexOutOfRange;
        }

        var table = _descriptorTable;
        uint tableLength = _size;
        uint visited = 0;
        bool indirect = false;
        ulong total = 0;
        ushort index = head;
        var scratch = _scratch;
        while (true)
        {
            if (visited >= tableLength)
            {
                return QueueError.ChainTooLong;
            }

            visited++;
            if (!memory.TryRead(Offset(table, (ulong)Descriptor.Size * index), out Descriptor descriptor))
            {
                return indirect ? QueueError.IndirectTableUnreadable : QueueError.DescriptorUnreadable;
            }

            if (descriptor.IsIndirect)
            {
                if (indirect)
                {
                    return QueueError.NestedIndirect;
                }

                if (!IndirectDescriptorsEnabled)
                {
                    return QueueError.IndirectNotNegotiated;
                }

                if (descriptor.HasNext)
                {
                    return QueueError.IndirectWithNext;
                }

                uint length = descriptor.Length;
                if (length == 0 || (length % Descriptor.Size) != 0 || length / Descriptor.Size > MaxIndirectDescriptors)
                {
                    return QueueError.IndirectTableLengthInvalid;
                }

                if (!memory.IsValidRange(descriptor.Address, length))
                {
                    return QueueError.IndirectTableUnreadable;
                }

                indirect = true;
                table = descriptor.Address;
                tableLength = length / Descriptor.Size;
                visited = 0;
                index = 0;
                continue;
            }

            if (descriptor.IsWriteOnly)
            {
                writableLength += descriptor.Length;
            }
            else
            {
                if (count > readable)
                {
                    return QueueError.ReadableAfterWritable;
                }

                readable++;
                readableLength += descriptor.Length;
            }

            total += descriptor.Length;
            if (total > uint.MaxValue)
            {
                return QueueError.ChainLengthOverflow;
            }

            scratch[count++] = descriptor;
            if (!descriptor.HasNext)
            {
                return QueueError.None;
            }

            if (descriptor.Next >= tableLength)
            {
                return QueueError.NextIndexOutOfRange;
            }

            index = descriptor.Next;
        }
    }

    private void WriteAvailEvent() =>
        _memory!.TryWrite(Offset(_usedRing, SplitRing.AvailEventOffset(_size)), _nextAvail);

    private QueueError Fail(QueueError error)
    {
        _fatal = error;
        Errors.Record(error);
        return error;
    }

    // Ring addresses were validated to lie in memory with their whole extent, so the sum cannot wrap.
    private static GuestAddress Offset(GuestAddress start, ulong offset) => new(start.Value + offset);

    private T NotReady<T>(T value) => IsReady
        ? throw new InvalidOperationException("A ready queue cannot be reconfigured; reset it first.")
        : value;
}
