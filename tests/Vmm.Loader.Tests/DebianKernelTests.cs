using System.Buffers.Binary;
using System.Diagnostics;
using FsCheck.Xunit;
using Vmm.Memory;

namespace Vmm.Loader.Tests;

[Trait("Category", "Kernel")]
public sealed class DebianKernelTests
{
    private const ulong GuestRam = 512UL << 20;

    private static readonly Lazy<byte[]> MutableVmlinux = new(() => (byte[])TestKernels.Vmlinux("cloud").Clone());

    private static GuestMemory NewMemory(ulong size = GuestRam) => GuestMemory.Allocate([new GuestRange(new GuestAddress(0), size)], new MemoryRegionOptions { NoReserve = true });

    [Theory]
    [InlineData("cloud", PayloadFormat.Lz4Legacy)]
    [InlineData("generic", PayloadFormat.Xz)]
    public void Parse_DebianKernel_HeaderAsDebianBuildsIt(string flavour, PayloadFormat format)
    {
        var image = BzImage.Parse(TestKernels.Load(flavour));
        var h = image.Header;

        Assert.True(h.Version >= 0x020f, $"protocol {h.Version:x}");
        Assert.Equal(SetupHeader.BootFlagMagic, h.BootFlag);
        Assert.True(h.LoadFlags.HasFlag(SetupLoadFlags.LoadedHigh));
        Assert.True(h.RelocatableKernel);
        Assert.True(h.ExtendedLoadFlags.HasFlag(ExtendedLoadFlags.Kernel64));
        Assert.True(h.ExtendedLoadFlags.HasFlag(ExtendedLoadFlags.CanBeLoadedAbove4G));
        Assert.Equal(2047u, h.CommandLineSize);
        Assert.Equal(0x1000000UL, h.PreferredAddress);
        Assert.Equal(0x200000u, h.KernelAlignment);
        Assert.True(h.InitSize > 16u << 20);
        Assert.Equal(format, image.PayloadFormat);
        Assert.Equal(h.SysSize * 16, (uint)image.ProtectedModeCode.Length);
        Assert.True(h.HandoverOffset < (uint)image.ProtectedModeCode.Length);
    }

    [Theory]
    [InlineData("cloud")]
    [InlineData("generic")]
    public void DecompressKernel_DebianKernel_ProducesVmlinuxOfTrailerSize(string flavour)
    {
        var image = BzImage.Parse(TestKernels.Load(flavour));
        var elf = TestKernels.Vmlinux(flavour);

        uint trailer = BinaryPrimitives.ReadUInt32LittleEndian(image.Payload.Span[^4..]);
        Assert.Equal((int)trailer, elf.Length);
        var kernel = ElfKernel.Parse(elf);
        Assert.Equal(new GuestAddress(0x1000000), kernel.Entry);
        Assert.Equal(4, kernel.Segments.Count);
        Assert.Equal(0x1000000UL, kernel.Segments[0].PhysicalAddress);
        Assert.Equal(0xffffffff81000000UL, kernel.Segments[0].VirtualAddress);
        Assert.Equal(5u, kernel.Segments[0].Flags); // R E: .text
        Assert.All(kernel.Segments, s => Assert.Equal(0UL, s.PhysicalAddress % 0x1000));
        Assert.True(kernel.Footprint.Start.Value + kernel.Footprint.Length <= image.Header.PreferredAddress + image.Header.InitSize);
        Assert.NotNull(kernel.PvhEntry);
        Assert.True(kernel.Footprint.Contains(kernel.PvhEntry!.Value));
    }

    [Theory]
    [InlineData("cloud", "lz4")]
    [InlineData("generic", "xz")]
    public void DecompressKernel_DebianKernel_MatchesReferenceDecompressor(string flavour, string tool)
    {
        var image = BzImage.Parse(TestKernels.Load(flavour));
        string? path = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Skip($"{tool} is not installed; the reference comparison needs it.");
        }

        string input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, image.Payload.ToArray());
            var psi = new ProcessStartInfo(path, ["-dc", input]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            using var output = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            // xz reports the kernel's appended size as trailing garbage after a complete stream.
            var expected = output.ToArray();
            var actual = TestKernels.Vmlinux(flavour);
            Assert.Equal(expected.Length, actual.Length);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"first difference at {expected.AsSpan().CommonPrefixLength(actual):#x}");
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Theory]
    [InlineData("cloud")]
    [InlineData("generic")]
    public void LoadDecompressed_DebianKernel_SegmentsInGuestMemory(string flavour)
    {
        var memory = NewMemory();
        try
        {
            var image = BzImage.Parse(TestKernels.Load(flavour));
            var loaded = image.LoadDecompressed(memory);
            var elf = TestKernels.Vmlinux(flavour);
            var kernel = ElfKernel.Parse(elf);

            Assert.Equal(KernelImageKind.BzImageDecompressed, loaded.Kind);
            Assert.Equal(new GuestAddress(0x1000000), loaded.Entry64);
            Assert.Same(image.Header, loaded.SetupHeader);
            Assert.Equal(kernel.PvhEntry, loaded.PvhEntry);
            foreach (var s in kernel.Segments)
            {
                var probe = new byte[(int)Math.Min(s.FileSize, 4096)];
                memory.Read(new GuestAddress(s.PhysicalAddress + s.FileSize - (ulong)probe.Length), probe);
                Assert.Equal(elf.AsSpan((int)(s.FileOffset + s.FileSize) - probe.Length, probe.Length).ToArray(), probe);
            }
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Theory]
    [InlineData("cloud")]
    [InlineData("generic")]
    public void Load_DebianKernel_ProtectedModeCodeAt1MiBEntryPlus0x200(string flavour)
    {
        var memory = NewMemory();
        try
        {
            var image = BzImage.Parse(TestKernels.Load(flavour));
            var loaded = image.Load(memory);

            Assert.Equal(KernelImageKind.BzImage, loaded.Kind);
            Assert.Equal(new GuestAddress(0x100200), loaded.Entry64);
            Assert.Equal(new GuestAddress(0x100000), loaded.Footprint.Start);
            Assert.Equal(image.Header.PreferredAddress + image.Header.InitSize, loaded.Footprint.Start.Value + loaded.Footprint.Length);
            var back = new byte[image.ProtectedModeCode.Length];
            memory.Read(new GuestAddress(0x100000), back);
            Assert.True(back.AsSpan().SequenceEqual(image.ProtectedModeCode.Span));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Theory]
    [InlineData("cloud", false)]
    [InlineData("generic", true)]
    public void ConfigureLongMode_DebianKernelWithInitrd_ZeroPageDescribesBoot(string flavour, bool decompress)
    {
        var memory = NewMemory(256UL << 20);
        try
        {
            var image = BzImage.Parse(TestKernels.Load(flavour));
            var loaded = decompress ? image.LoadDecompressed(memory) : image.Load(memory);
            var cmdline = KernelCommandLine.ForKernel(loaded).Add("console", "ttyS0").Add("reboot=k").AddVirtioMmioDevice(4096, new GuestAddress(0xd0000000), 5);
            var initrd = new byte[3 << 20];
            new Random(1).NextBytes(initrd);
            var state = LinuxBoot.ConfigureLongMode(memory, loaded, new LinuxBootOptions { CommandLine = cmdline, Initrd = initrd, AcpiRsdp = BootLayout.AcpiTables });

            var zp = new byte[BootParams.Size];
            memory.Read(BootLayout.ZeroPage, zp);
            Assert.Equal(0xff, zp[0x210]);
            Assert.Equal(TestKernels.Load(flavour).AsSpan(0x1f1, 0x210 - 0x1f1).ToArray(), zp[0x1f1..0x210]);
            Assert.Equal(0x20000u, BinaryPrimitives.ReadUInt32LittleEndian(zp.AsSpan(0x228)));
            uint initrdAddress = BinaryPrimitives.ReadUInt32LittleEndian(zp.AsSpan(0x218));
            Assert.Equal((uint)initrd.Length, BinaryPrimitives.ReadUInt32LittleEndian(zp.AsSpan(0x21c)));
            Assert.Equal(0u, initrdAddress % 4096);
            Assert.False(loaded.Footprint.Overlaps(new GuestRange(new GuestAddress(initrdAddress), (ulong)initrd.Length)));
            Assert.True(initrdAddress + (ulong)initrd.Length <= 256UL << 20);
            var back = new byte[initrd.Length];
            memory.Read(new GuestAddress(initrdAddress), back);
            Assert.Equal(initrd, back);
            Assert.True(zp[0x1e8] >= 2);
            Assert.Equal(0xe0000UL, BinaryPrimitives.ReadUInt64LittleEndian(zp.AsSpan(0x70)));
            Assert.Equal(loaded.Entry64.Value, state.Rip);
            Assert.Equal(BootLayout.ZeroPage.Value, state.Rsi);
            var text = new byte[cmdline.Length + 1];
            memory.Read(BootLayout.CommandLine, text);
            Assert.Equal("console=ttyS0 reboot=k virtio_mmio.device=4K@0xd0000000:5\0", System.Text.Encoding.ASCII.GetString(text));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void ConfigurePvh_DecompressedCloudKernel_StartInfoInEbx()
    {
        var memory = NewMemory(256UL << 20);
        try
        {
            var loaded = BzImage.Parse(TestKernels.Load("cloud")).LoadDecompressed(memory);
            var state = LinuxBoot.ConfigurePvh(memory, loaded, new LinuxBootOptions { CommandLine = new KernelCommandLine().Add("console=ttyS0"), Initrd = new byte[8192] });

            Assert.Equal(X86BootMode.ProtectedMode, state.Mode);
            Assert.Equal(loaded.PvhEntry!.Value.Value, state.Rip);
            Assert.Equal(PvhStartInfo.Magic, memory.Read<uint>(new GuestAddress(state.Rbx)));
            Assert.Equal(1u, memory.Read<uint>(new GuestAddress(state.Rbx + 12)));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Property(MaxTest = 300)]
    public void Parse_MutatedDebianHeader_RejectedCleanlyOrLoadsInsideMemory(int seed, bool cloud)
    {
        var original = TestKernels.Load(cloud ? "cloud" : "generic");
        var random = new Random(seed);
        // Only the first 64 KiB are mutated or kept: the header and setup code; truncation makes the rest vanish.
        var image = original.AsSpan(0, random.Next(4) == 0 ? random.Next(0x1f1, 0x10000) : original.Length).ToArray();
        for (int i = random.Next(1, 5); i > 0; i--)
        {
            image[random.Next(0x1f1, 0x270)] = (byte)random.Next(256);
        }

        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 32UL << 20)], new MemoryRegionOptions { NoReserve = true });
        try
        {
            BzImage parsed;
            try
            {
                parsed = BzImage.Parse(image);
            }
            catch (KernelFormatException e)
            {
                Assert.StartsWith("bzImage:", e.Message, StringComparison.Ordinal);
                return;
            }

            Assert.True(parsed.Header.ProtectedModeOffset + parsed.Header.ProtectedModeLength <= image.Length);
            try
            {
                var loaded = parsed.Load(memory);
                Assert.True(memory.IsValidRange(loaded.Footprint.Start, loaded.Footprint.Length));
            }
            catch (Exception e) when (e is KernelFormatException or BootConfigurationException)
            {
            }
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Property(MaxTest = 40)]
    public void DecompressKernel_TruncatedOrCorruptPayload_KernelFormatException(int seed, bool cloud)
    {
        var image = BzImage.Parse(TestKernels.Load(cloud ? "cloud" : "generic"));
        var random = new Random(seed);
        var payload = image.Payload.ToArray();
        if (random.Next(2) == 0)
        {
            payload = payload[..random.Next(payload.Length / 2)];
        }
        else
        {
            for (int i = 0; i < 8; i++)
            {
                payload[random.Next(6, payload.Length / 4)] ^= (byte)random.Next(1, 256);
            }
        }

        try
        {
            var elf = KernelPayload.Decompress(payload, 128 << 20);
            // A corruption the format cannot detect must still produce a bounded result that the ELF
            // parser judges.
            Assert.True(elf.Length <= 128 << 20);
            ElfKernelTests.AssertRejectedOrContained(elf);
        }
        catch (KernelFormatException e)
        {
            Assert.StartsWith("Payload:", e.Message, StringComparison.Ordinal);
        }
    }

    [Property(MaxTest = 100)]
    public void Parse_MutatedVmlinuxHeaders_RejectedCleanlyOrLoadsInsideMemory(int seed)
    {
        // A private copy: other test classes read the shared one in parallel.
        var elf = MutableVmlinux.Value;
        var random = new Random(seed);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
        int headerBytes = 64 + (phnum * 56);
        var saved = elf[..headerBytes];
        lock (elf)
        {
            try
            {
                for (int i = random.Next(1, 5); i > 0; i--)
                {
                    elf[random.Next(headerBytes)] = (byte)random.Next(256);
                }

                ElfKernelTests.AssertRejectedOrContained(elf);
            }
            finally
            {
                saved.CopyTo(elf, 0);
            }
        }
    }
}
