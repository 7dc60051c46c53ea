using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vmm.Memory;

namespace Vmm.Loader.Tests;

public sealed class MpTableTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(254)]
    public void Write_VcpuCount_ParsesBackWithAllEntries(int vcpus)
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            MpTable.Write(memory, vcpus);
            var parsed = ParsedMpTable.Read(memory, BootLayout.MpTable);

            Assert.Equal(vcpus, parsed.Processors.Count);
            for (int i = 0; i < vcpus; i++)
            {
                Assert.Equal(i, parsed.Processors[i].ApicId);
                Assert.True(parsed.Processors[i].Enabled);
                Assert.Equal(i == 0, parsed.Processors[i].BootProcessor);
            }

            Assert.Equal(["ISA   "], parsed.Buses);
            Assert.Equal([(vcpus, BootLayout.IoApicAddress)], parsed.IoApics);
            Assert.Equal(BootLayout.LocalApicAddress, parsed.LocalApicAddress);

            // ExtINT on pin 0, ISA IRQ 0 on pin 2, IRQ 2 (cascade) absent, others identity up to 23.
            Assert.Contains((3, 0, vcpus, 0), parsed.IoInterrupts);
            Assert.Contains((0, 0, vcpus, 2), parsed.IoInterrupts);
            Assert.DoesNotContain(parsed.IoInterrupts, e => e.Type == 0 && e.SourceIrq == 2);
            for (int irq = 1; irq < 24; irq++)
            {
                if (irq != 2)
                {
                    Assert.Contains((0, irq, vcpus, irq), parsed.IoInterrupts);
                }
            }

            Assert.Equal(1 + 23, parsed.IoInterrupts.Count);
            Assert.Equal(parsed.IoInterrupts.Count, parsed.IoInterrupts.Select(e => e.Pin).Distinct().Count());
            Assert.Equal([(3, 0xff, 0), (1, 0xff, 1)], parsed.LocalInterrupts);
            Assert.Equal(MpTable.Size(vcpus), 16 + parsed.ConfigLength);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Write_FloatingPointerInLastKibOfConventionalMemory_WhereLinuxScans()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            MpTable.Write(memory, 4);
            var scan = new byte[0x400];
            memory.Read(new GuestAddress(639 * 0x400), scan);
            int found = -1;
            for (int i = 0; i < scan.Length; i += 16)
            {
                if (scan.AsSpan(i, 4).SequenceEqual("_MP_"u8) && TableSum(scan.AsSpan(i, 16)) == 0)
                {
                    found = i;
                    break;
                }
            }

            Assert.Equal(0, found);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(-1)]
    public void Write_VcpuCountOutOfRange_Throws(int vcpus)
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => MpTable.Write(memory, vcpus));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Write_MemoryTooSmall_ThrowsBootConfiguration()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 0xa0000)]);
        try
        {
            // 254 processor entries run past 0xa0000.
            Assert.Throws<BootConfigurationException>(() => MpTable.Write(memory, 254));
            Assert.Equal(0u, memory.Read<uint>(BootLayout.MpTable));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Property(MaxTest = 100)]
    public Property Build_AnyVcpuCountAndAddress_ChecksumsAndPointerHold() =>
        Prop.ForAll(
            Gen.Choose(1, 254).ToArbitrary(),
            Gen.Choose(0, 0x0fff_fe00).Select(a => (ulong)a * 16).ToArbitrary(),
            (vcpus, address) =>
            {
                var table = MpTable.Build(vcpus, new GuestAddress(address));
                uint pointer = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4));
                int length = BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(16 + 4));
                return TableSum(table.AsSpan(0, 16)) == 0
                    && pointer == address + 16
                    && length == table.Length - 16
                    && TableSum(table.AsSpan(16)) == 0
                    && BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(16 + 34)) == vcpus + 28;
            });

    private static byte TableSum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return sum;
    }

    /// <summary>An independent reader of the MP tables, as Linux's mpparse.c walks them.</summary>
    private sealed class ParsedMpTable
    {
        public List<(int ApicId, bool Enabled, bool BootProcessor)> Processors { get; } = [];

        public List<string> Buses { get; } = [];

        public List<(int Id, uint Address)> IoApics { get; } = [];

        public List<(int Type, int SourceIrq, int ApicId, int Pin)> IoInterrupts { get; } = [];

        public List<(int Type, int ApicId, int Pin)> LocalInterrupts { get; } = [];

        public uint LocalApicAddress { get; private set; }

        public int ConfigLength { get; private set; }

        public static ParsedMpTable Read(GuestMemory memory, GuestAddress address)
        {
            var fp = new byte[16];
            memory.Read(address, fp);
            Assert.True(fp.AsSpan(0, 4).SequenceEqual("_MP_"u8));
            Assert.Equal(0, TableSum(fp));
            Assert.Equal(1, fp[8]);
            Assert.Equal(4, fp[9]);
            Assert.Equal(0, fp[11]);
            var configAddress = new GuestAddress(BinaryPrimitives.ReadUInt32LittleEndian(fp.AsSpan(4)));

            var header = new byte[44];
            memory.Read(configAddress, header);
            Assert.True(header.AsSpan(0, 4).SequenceEqual("PCMP"u8));
            int length = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4));
            var config = new byte[length];
            memory.Read(configAddress, config);
            Assert.Equal(0, TableSum(config));
            Assert.Equal(4, config[6]);

            var result = new ParsedMpTable { LocalApicAddress = BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(36)), ConfigLength = length };
            int count = BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(34));
            int offset = 44;
            for (int i = 0; i < count; i++)
            {
                var e = config.AsSpan(offset);
                switch (e[0])
                {
                    case 0:
                        result.Processors.Add((e[1], (e[3] & 1) != 0, (e[3] & 2) != 0));
                        offset += 20;
                        break;
                    case 1:
                        result.Buses.Add(System.Text.Encoding.ASCII.GetString(e.Slice(2, 6)));
                        offset += 8;
                        break;
                    case 2:
                        Assert.Equal(1, e[3] & 1);
                        result.IoApics.Add((e[1], BinaryPrimitives.ReadUInt32LittleEndian(e[4..])));
                        offset += 8;
                        break;
                    case 3:
                        Assert.Equal(0, e[4]);
                        result.IoInterrupts.Add((e[1], e[5], e[6], e[7]));
                        offset += 8;
                        break;
                    case 4:
                        result.LocalInterrupts.Add((e[1], e[6], e[7]));
                        offset += 8;
                        break;
                    default:
                        Assert.Fail($"unknown MP entry type {e[0]} at {offset}");
                        break;
                }
            }

            Assert.Equal(length, offset);
            return result;
        }
    }
}
