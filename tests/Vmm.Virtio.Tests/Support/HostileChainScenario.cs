using Vmm.Memory;
using Vmm.Virtio.Testing;

namespace Vmm.Virtio.Tests.Support;

/// <summary>
/// A descriptor table, indirect-table area and head index decoded from arbitrary bytes, biased towards the edge cases
/// (loops, out-of-range next, holes, nested/indirect+next, huge lengths, readable after writable). Memory layout with
/// guard holes: rings in [0, 0x4000), indirect tables in [0x20000, 0x21000), data in [0x40000, 0x50000).
/// <see cref="Validate"/> is an independent reference validator written from the specification's rules.
/// </summary>
public sealed class HostileChainScenario
{
    public const ulong RingBase = 0;
    public const ulong IndirectBase = 0x20000;
    public const ulong IndirectSize = 0x1000;
    public const ulong DataBase = 0x40000;
    public const ulong DataSize = 0x10000;
    private const ulong Hole = 0x30000;

    public ushort Size { get; private init; }

    public bool IndirectEnabled { get; private init; }

    public ushort Head { get; private init; }

    public Descriptor[] Table { get; private init; } = [];

    public byte[] IndirectArea { get; private init; } = [];

    public static GuestMemory CreateMemory(bool trackDirty = false) => GuestMemory.Allocate(
        [new GuestRange(new GuestAddress(RingBase), 0x4000), new GuestRange(new GuestAddress(IndirectBase), IndirectSize), new GuestRange(new GuestAddress(DataBase), DataSize)],
        new MemoryRegionOptions { TrackDirtyPages = trackDirty });

    public static HostileChainScenario Decode(ReadOnlySpan<byte> data)
    {
        var source = new ByteSource(data);
        ushort size = (ushort)(1 << (source.Next() % 5));
        bool indirect = (source.Next() & 1) == 0;
        ushort head = (ushort)(source.Next() % (size + 2));
        var table = new Descriptor[size];
        for (int i = 0; i < size; i++)
        {
            table[i] = NextDescriptor(ref source, size);
        }

        var area = new byte[IndirectSize];
        var entries = new Descriptor[16];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = NextDescriptor(ref source, 16);
        }

        System.Runtime.InteropServices.MemoryMarshal.AsBytes(entries.AsSpan()).CopyTo(area);
        for (int i = entries.Length * Descriptor.Size; i < area.Length; i++)
        {
            area[i] = source.Next();
        }

        return new HostileChainScenario { Size = size, IndirectEnabled = indirect, Head = head, Table = table, IndirectArea = area };
    }

    private static Descriptor NextDescriptor(ref ByteSource source, int tableSize)
    {
        byte f = source.Next();
        var flags = (DescriptorFlags)(f & 7);
        if ((f & 0x80) != 0)
        {
            flags |= (DescriptorFlags)0x100;
        }

        ushort next = (ushort)(source.Next() % (tableSize + 2));
        byte a = source.Next();
        ulong address = (a % 8) switch
        {
            < 5 when (flags & DescriptorFlags.Indirect) != 0 => IndirectBase + (16UL * (uint)(a % 24)),
            < 5 => DataBase + (64UL * source.Next()),
            5 => IndirectBase + (16UL * (uint)(a % 300)),
            6 => Hole + a,
            _ => ulong.MaxValue - 15,
        };
        byte l = source.Next();
        uint length = (l % 8) switch
        {
            0 => 0,
            < 5 => 1 + (uint)source.Next(),
            5 => 16U * (uint)(1 + (source.Next() % 8)),
            6 => 0x8000_0000,
            _ => uint.MaxValue,
        };
        return new Descriptor(new GuestAddress(address), length, flags, next);
    }

    /// <summary>Writes the scenario into memory through a simulated driver and points <paramref name="queue"/> at it (not ready).</summary>
    public SimulatedDriverQueue Install(GuestMemory memory, SplitQueue queue)
    {
        var driver = new SimulatedDriverQueue(memory, new GuestAddress(RingBase), Size);
        for (ushort i = 0; i < Size; i++)
        {
            driver.WriteDescriptor(i, Table[i]);
        }

        memory.Write(new GuestAddress(IndirectBase), IndirectArea);
        memory.Fill(new GuestAddress(DataBase), DataSize, 0x5a);
        driver.Configure(queue);
        queue.IndirectDescriptorsEnabled = IndirectEnabled;
        driver.Publish(Head);
        return driver;
    }

    /// <summary>
    /// The reference validator: walks the chain on the model (not on guest memory), detecting loops with a visited set.
    /// Returns the flattened descriptors of a valid chain, or null when the chain is invalid.
    /// </summary>
    public List<Descriptor>? Validate()
    {
        if (Head >= Size)
        {
            return null;
        }

        var result = new List<Descriptor>();
        var visited = new HashSet<int>();
        Func<int, Descriptor?> read = i => Table[i];
        int tableLength = Size;
        bool inIndirect = false;
        bool sawWritable = false;
        ulong total = 0;
        int index = Head;
        while (true)
        {
            if (!visited.Add(index))
            {
                return null;
            }

            if (read(index) is not { } d)
            {
                return null;
            }

            if ((d.Flags & DescriptorFlags.Indirect) != 0)
            {
                bool badLength = d.Length == 0 || d.Length % 16 != 0 || d.Length / 16 > SplitQueue.MaxIndirectDescriptors;
                if (inIndirect || !IndirectEnabled || (d.Flags & DescriptorFlags.Next) != 0 || badLength)
                {
                    return null;
                }

                ulong start = d.Address.Value;
                if (start < IndirectBase || start - IndirectBase + d.Length > IndirectSize)
                {
                    return null;
                }

                int baseOffset = (int)(start - IndirectBase);
                read = i => System.Runtime.InteropServices.MemoryMarshal.Read<Descriptor>(IndirectArea.AsSpan(baseOffset + (16 * i), 16));
                tableLength = (int)(d.Length / 16);
                inIndirect = true;
                visited.Clear();
                index = 0;
                continue;
            }

            bool writable = (d.Flags & DescriptorFlags.Write) != 0;
            if (!writable && sawWritable)
            {
                return null;
            }

            sawWritable |= writable;
            total += d.Length;
            if (total > uint.MaxValue)
            {
                return null;
            }

            result.Add(d);
            if ((d.Flags & DescriptorFlags.Next) == 0)
            {
                return result;
            }

            if (d.Next >= tableLength)
            {
                return null;
            }

            index = d.Next;
        }
    }

    /// <summary>Whether [address, +length) lies inside one of the backed ranges (reference, independent of GuestMemory).</summary>
    public static bool IsBacked(GuestAddress address, uint length)
    {
        ulong a = address.Value;
        ulong end = a + length;
        if (end < a)
        {
            return false;
        }

        return (a >= RingBase && end <= 0x4000) || (a >= IndirectBase && end <= IndirectBase + IndirectSize) || (a >= DataBase && end <= DataBase + DataSize);
    }
}
