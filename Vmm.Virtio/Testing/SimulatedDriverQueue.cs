using Vmm.Memory;

namespace Vmm.Virtio.Testing;

/// <summary>
/// The driver side of a split virtqueue, for testing devices without a guest (the role of rust-vmm's MockSplitQueue):
/// lays out the descriptor table, available ring and used ring in guest memory, builds chains (direct, indirect, or
/// arbitrary raw descriptors for hostile cases), publishes them, and reads what the device put on the used ring.
/// </summary>
public sealed class SimulatedDriverQueue
{
    private readonly GuestMemory _memory;
    private ushort _nextFreeDescriptor;
    private ushort _lastSeenUsed;
    private GuestAddress _nextData;

    /// <summary>
    /// Lays the rings out from <paramref name="baseAddress"/> (16-byte aligned): descriptor table, then the available
    /// ring, then the used ring (4-byte aligned); <see cref="DataStart"/> is the first page after them. Zeroes the rings.
    /// </summary>
    /// <exception cref="ArgumentException">Misaligned base, size not a power of two, or the rings not in memory.</exception>
    public SimulatedDriverQueue(GuestMemory memory, GuestAddress baseAddress, ushort size)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if ((baseAddress.Value & 15) != 0)
        {
            throw new ArgumentException("The descriptor table must be 16-byte aligned.", nameof(baseAddress));
        }

        if (!SplitRing.IsValidQueueSize(size))
        {
            throw new ArgumentException("The size must be a power of two up to 32768.", nameof(size));
        }

        _memory = memory;
        Size = size;
        DescriptorTable = baseAddress;
        AvailRing = baseAddress.Add((ulong)Descriptor.Size * size);
        UsedRing = new GuestAddress((AvailRing.Value + SplitQueue.AvailRingBytes(size) + 3) & ~3UL);
        ulong end = UsedRing.Value + SplitQueue.UsedRingBytes(size);
        DataStart = new GuestAddress((end + 4095) & ~4095UL);
        _nextData = DataStart;
        memory.Fill(baseAddress, end - baseAddress.Value, 0);
    }

    /// <summary>The queue size.</summary>
    public ushort Size { get; }

    /// <summary>The descriptor table address.</summary>
    public GuestAddress DescriptorTable { get; }

    /// <summary>The available ring address.</summary>
    public GuestAddress AvailRing { get; }

    /// <summary>The used ring address.</summary>
    public GuestAddress UsedRing { get; }

    /// <summary>The first page-aligned address after the rings, where <see cref="AllocateBuffer"/> starts.</summary>
    public GuestAddress DataStart { get; }

    /// <summary>The available index the driver has published.</summary>
    public ushort AvailIndex
    {
        get => _memory.Read<ushort>(AvailRing.Add(SplitRing.IndexOffset));
        set => _memory.StoreReleaseUInt16(AvailRing.Add(SplitRing.IndexOffset), value);
    }

    /// <summary>The used index the device has published.</summary>
    public ushort UsedIndex => _memory.LoadAcquireUInt16(UsedRing.Add(SplitRing.IndexOffset));

    /// <summary>The used ring's flags (VRING_USED_F_NO_NOTIFY).</summary>
    public ushort UsedFlags => _memory.Read<ushort>(UsedRing);

    /// <summary>avail_event, written by the device with EVENT_IDX.</summary>
    public ushort AvailEvent => _memory.Read<ushort>(UsedRing.Add(SplitRing.AvailEventOffset(Size)));

    /// <summary>Points a device queue at these rings (size and addresses; it does not make it ready).</summary>
    public void Configure(SplitQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        queue.Size = Size;
        queue.DescriptorTable = DescriptorTable;
        queue.AvailRing = AvailRing;
        queue.UsedRing = UsedRing;
    }

    /// <summary>Reserves <paramref name="length"/> bytes of the data area (8-byte aligned) and fills them with <paramref name="fill"/>.</summary>
    public GuestAddress AllocateBuffer(uint length, byte fill = 0)
    {
        var address = _nextData;
        _memory.Fill(address, length, fill);
        _nextData = new GuestAddress((address.Value + length + 7) & ~7UL);
        return address;
    }

    /// <summary>Writes a raw descriptor into slot <paramref name="index"/> of the table (anything, for hostile tests).</summary>
    public void WriteDescriptor(ushort index, Descriptor descriptor) =>
        _memory.Write(DescriptorTable.Add((ulong)Descriptor.Size * index), descriptor);

    /// <summary>Writes raw descriptors at <paramref name="table"/> (an indirect table).</summary>
    public void WriteDescriptors(GuestAddress table, ReadOnlySpan<Descriptor> descriptors)
    {
        for (int i = 0; i < descriptors.Length; i++)
        {
            _memory.Write(table.Add((ulong)(Descriptor.Size * i)), descriptors[i]);
        }
    }

    /// <summary>Builds a direct chain in the next free slots, publishes it, and returns its head index.</summary>
    public ushort AddChain(params ReadOnlySpan<SimulatedBuffer> buffers)
    {
        if (buffers.IsEmpty || buffers.Length > Size)
        {
            throw new ArgumentException("A chain needs 1 to Size buffers.", nameof(buffers));
        }

        ushort head = _nextFreeDescriptor;
        for (int i = 0; i < buffers.Length; i++)
        {
            ushort slot = (ushort)((head + i) & (Size - 1));
            ushort next = (ushort)((slot + 1) & (Size - 1));
            var flags = (buffers[i].Writable ? DescriptorFlags.Write : DescriptorFlags.None) | (i + 1 < buffers.Length ? DescriptorFlags.Next : DescriptorFlags.None);
            WriteDescriptor(slot, new Descriptor(buffers[i].Address, buffers[i].Length, flags, next));
        }

        _nextFreeDescriptor = (ushort)((head + buffers.Length) & (Size - 1));
        Publish(head);
        return head;
    }

    /// <summary>Writes <paramref name="buffers"/> as an indirect table at <paramref name="table"/>, points one descriptor at it, publishes it and returns its head index.</summary>
    public ushort AddIndirectChain(GuestAddress table, params ReadOnlySpan<SimulatedBuffer> buffers)
    {
        var descriptors = new Descriptor[buffers.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            var flags = (buffers[i].Writable ? DescriptorFlags.Write : DescriptorFlags.None) | (i + 1 < buffers.Length ? DescriptorFlags.Next : DescriptorFlags.None);
            descriptors[i] = new Descriptor(buffers[i].Address, buffers[i].Length, flags, (ushort)(i + 1));
        }

        WriteDescriptors(table, descriptors);
        ushort head = _nextFreeDescriptor;
        WriteDescriptor(head, new Descriptor(table, (uint)(Descriptor.Size * buffers.Length), DescriptorFlags.Indirect, 0));
        _nextFreeDescriptor = (ushort)((head + 1) & (Size - 1));
        Publish(head);
        return head;
    }

    /// <summary>Puts <paramref name="head"/> in the next available-ring slot, then publishes the index with release ordering.</summary>
    public void Publish(ushort head)
    {
        ushort idx = AvailIndex;
        _memory.Write(AvailRing.Add(SplitRing.AvailEntryOffset((ushort)(idx & (Size - 1)))), head);
        AvailIndex = (ushort)(idx + 1);
    }

    /// <summary>Sets the available ring's flags (VRING_AVAIL_F_NO_INTERRUPT).</summary>
    public void SetAvailFlags(ushort flags) => _memory.Write(AvailRing, flags);

    /// <summary>Sets used_event (EVENT_IDX: interrupt me when the used index passes this value).</summary>
    public void SetUsedEvent(ushort value) => _memory.Write(AvailRing.Add(SplitRing.UsedEventOffset(Size)), value);

    /// <summary>Takes the next used element the driver has not seen yet.</summary>
    public bool TryTakeUsed(out UsedElement element)
    {
        if (UsedIndex == _lastSeenUsed)
        {
            element = default;
            return false;
        }

        element = _memory.Read<UsedElement>(UsedRing.Add(SplitRing.UsedEntryOffset((ushort)(_lastSeenUsed & (Size - 1)))));
        _lastSeenUsed++;
        return true;
    }

    /// <summary>
    /// What Linux's virtqueue_kick_prepare decides after publishing from <paramref name="oldAvail"/> to the current index:
    /// with EVENT_IDX, vring_need_event(avail_event, new, old); otherwise notify unless VRING_USED_F_NO_NOTIFY.
    /// </summary>
    public bool ShouldNotifyDevice(ushort oldAvail, bool eventIdx) => eventIdx
        ? SplitQueue.NeedEvent(AvailEvent, AvailIndex, oldAvail)
        : (UsedFlags & SplitQueue.UsedFlagNoNotify) == 0;
}
