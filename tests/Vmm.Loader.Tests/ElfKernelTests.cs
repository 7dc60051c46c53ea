using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vmm.Memory;

namespace Vmm.Loader.Tests;

public sealed class ElfKernelTests
{
    private static GuestMemory NewMemory(ulong size = 4 << 20) => GuestMemory.Allocate([new GuestRange(new GuestAddress(0), size)]);

    [Fact]
    public void Load_SegmentWithBss_CopiesDataAndZeroesBss()
    {
        var memory = NewMemory();
        try
        {
            memory.Fill(new GuestAddress(0x200000), 0x3000, 0xcc);
            var elf = new TestElf { Entry = 0x200000 }.Segment(0x200000, [1, 2, 3, 4], 0x2000).Build();
            var loaded = ElfKernel.Parse(elf).Load(memory);

            Assert.Equal(new GuestAddress(0x200000), loaded.Entry64);
            Assert.Equal(KernelImageKind.ElfVmlinux, loaded.Kind);
            Assert.Equal(new GuestRange(new GuestAddress(0x200000), 0x2000), loaded.Footprint);
            var back = new byte[0x2001];
            memory.Read(new GuestAddress(0x200000), back);
            Assert.Equal([1, 2, 3, 4], back[..4]);
            Assert.All(back[4..0x2000], b => Assert.Equal(0, b));
            Assert.Equal(0xcc, back[0x2000]);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Parse_VirtualEntry_TranslatedThroughSegment()
    {
        var elf = new TestElf { Entry = 0xffffffff81000010 }.Segment(0x100000, new byte[64], 64, vaddr: 0xffffffff81000000).Build();
        Assert.Equal(new GuestAddress(0x100010), ElfKernel.Parse(elf).Entry);
    }

    [Fact]
    public void Parse_PvhNote_ReportsEntry()
    {
        var desc = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(desc, 0x100850);
        var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, new byte[16], 16).Note("GNU", 3, new byte[20]).Note("Xen", 18, desc).Build();
        Assert.Equal(new GuestAddress(0x100850), ElfKernel.Parse(elf).PvhEntry);
    }

    [Fact]
    public void Parse_XenNoteOfOtherType_NoPvhEntry()
    {
        var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, new byte[16], 16).Note("Xen", 17, new byte[4]).Build();
        Assert.Null(ElfKernel.Parse(elf).PvhEntry);
    }

    [Fact]
    public void Parse_OverlappingSegments_Rejected()
    {
        var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, new byte[16], 0x2000).Segment(0x101000, new byte[16], 16).Build();
        var e = Assert.Throws<KernelFormatException>(() => ElfKernel.Parse(elf));
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EntryOutsideSegments_Rejected()
    {
        var elf = new TestElf { Entry = 0x900000 }.Segment(0x100000, new byte[16], 16).Build();
        Assert.Throws<KernelFormatException>(() => ElfKernel.Parse(elf));
    }

    [Fact]
    public void Parse_FileSizeOverMemorySize_Rejected()
    {
        var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, new byte[32], 16).Build();
        Assert.Throws<KernelFormatException>(() => ElfKernel.Parse(elf));
    }

    [Fact]
    public void Parse_SegmentWrapsAddressSpace_Rejected()
    {
        var elf = new TestElf { Entry = ulong.MaxValue - 8 }.Segment(ulong.MaxValue - 15, new byte[8], 32).Build();
        Assert.Throws<KernelFormatException>(() => ElfKernel.Parse(elf));
    }

    [Fact]
    public void Load_SecondSegmentOutsideMemory_WritesNothing()
    {
        var memory = NewMemory();
        try
        {
            var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, [9, 9, 9, 9], 4).Segment(0x3ff000, new byte[16], 0x2000).Build();
            var kernel = ElfKernel.Parse(elf);
            Assert.Throws<BootConfigurationException>(() => kernel.Load(memory));
            Assert.Equal(0u, memory.Read<uint>(new GuestAddress(0x100000)));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Theory]
    [InlineData(0, 0x7e)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(16, 3)]
    [InlineData(18, 3)]
    [InlineData(54, 40)]
    [InlineData(56, 0)]
    public void Parse_CorruptHeaderField_Rejected(int offset, byte value)
    {
        var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, new byte[16], 16).Build();
        elf[offset] = value;
        if (offset == 56)
        {
            elf[57] = 0;
        }

        Assert.Throws<KernelFormatException>(() => ElfKernel.Parse(elf));
    }

    [Property(MaxTest = 500)]
    public void Parse_RandomMutationOfHeaders_RejectedOrLoadsInsideMemory(int seed)
    {
        var desc = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(desc, 0x100020);
        var elf = new TestElf { Entry = 0x100000 }.Segment(0x100000, new byte[64], 0x1000).Segment(0x200000, new byte[32], 64).Note("Xen", 18, desc).Build();
        var random = new Random(seed);
        int headerBytes = 64 + (3 * 56) + 40;
        for (int i = random.Next(1, 6); i > 0; i--)
        {
            elf[random.Next(headerBytes)] = (byte)random.Next(256);
        }

        byte[] image = random.Next(4) == 0 ? elf[..random.Next(elf.Length)] : elf;
        AssertRejectedOrContained(image);
    }

    internal static void AssertRejectedOrContained(byte[] image)
    {
        var memory = NewMemory();
        try
        {
            ElfKernel kernel;
            try
            {
                kernel = ElfKernel.Parse(image);
            }
            catch (KernelFormatException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                return;
            }

            foreach (var s in kernel.Segments)
            {
                Assert.True(s.FileOffset + s.FileSize <= (ulong)image.Length);
                Assert.True(s.FileSize <= s.MemorySize);
            }

            try
            {
                var loaded = kernel.Load(memory);
                Assert.True(memory.IsValidRange(loaded.Footprint.Start, loaded.Footprint.Length));
            }
            catch (BootConfigurationException)
            {
            }
        }
        finally
        {
            memory.DisposeRegions();
        }
    }
}
