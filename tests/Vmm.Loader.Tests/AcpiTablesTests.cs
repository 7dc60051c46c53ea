using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Vmm.Loader.Acpi;
using Vmm.Memory;

namespace Vmm.Loader.Tests;

public sealed class AcpiTablesTests
{
    private static AcpiConfiguration Configuration(int vcpus, int devices) => new()
    {
        VcpuCount = vcpus,
        Devices = [.. Enumerable.Range(0, devices).Select(i => AcpiDevice.VirtioMmio((uint)i, 0xd000_0000UL + ((ulong)i * 0x1000), 0x1000, (uint)(5 + i)))],
    };

    [Fact]
    public void Build_IaslDisassembly_NoErrorsAndDsdtHasDevices()
    {
        ExternalTool.Require("iasl");
        var tables = AcpiTables.Build(Configuration(4, 3), BootLayout.AcpiTables);
        string dir = Directory.CreateTempSubdirectory("acpi-").FullName;
        try
        {
            var text = new Dictionary<string, string>();
            // This iasl (20200925) does not take a bare RSDP as a table file; its checksums are checked below in code.
            foreach (var (signature, bytes) in tables.Where(t => t.Key != "RSDP"))
            {
                string file = signature.ToLowerInvariant() + ".dat";
                File.WriteAllBytes(Path.Combine(dir, file), bytes);
                var (exit, output) = ExternalTool.Run("iasl", dir, null, "-d", file);
                Assert.True(exit == 0, $"iasl -d {file} exited {exit}: {output}");
                Assert.DoesNotMatch(new Regex(@"\b(Error|Warning)\b", RegexOptions.IgnoreCase), output);
                text[signature] = File.ReadAllText(Path.Combine(dir, signature.ToLowerInvariant() + ".dsl"));
                Assert.DoesNotContain("**** ", text[signature]); // iasl's marker for invalid fields

                // Recompile the disassembly without optimizations: the body must come back byte for byte, except
                // that iasl leaves resource template end-tag checksums 0 ("not computed") where ours are computed.
                var (compileExit, compileOutput) = ExternalTool.Run("iasl", dir, null, "-oa", "-p", "re-" + signature, signature.ToLowerInvariant() + ".dsl");
                Assert.True(compileExit == 0, $"iasl recompile of {signature}: {compileOutput}");
                var recompiled = File.ReadAllBytes(Path.Combine(dir, "re-" + signature + ".aml"));
                Assert.Equal(bytes.Length, recompiled.Length);
                for (int i = 36; i < bytes.Length; i++)
                {
                    Assert.True(
                        bytes[i] == recompiled[i] || (signature == "DSDT" && bytes[i - 1] == 0x79 && recompiled[i] == 0),
                        $"{signature} byte {i}: ours 0x{bytes[i]:x2}, iasl 0x{recompiled[i]:x2}");
                }
            }

            string dsdt = text["DSDT"];
            Assert.Contains("Name (\\_S5, Package (0x04)", dsdt);
            Assert.Contains("EisaId (\"PNP0501\")", dsdt);
            Assert.Contains("IO (Decode16,", dsdt);
            Assert.Contains("IRQNoFlags ()", dsdt);
            for (int i = 0; i < 3; i++)
            {
                string device = Regex.Match(dsdt, $@"Device \(V00{i}\)\s*\{{(.*?)\n        \}}", RegexOptions.Singleline).Groups[1].Value;
                Assert.Contains("Name (_HID, \"LNRO0005\")", device);
                Assert.Matches(new Regex($@"Memory32Fixed \(ReadWrite,\s*0xD000{i}000,\s*// Address Base\s*0x00001000,"), device);
                Assert.Matches(new Regex($@"Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \)\s*\{{\s*0x0000000{5 + i},"), device);
            }

            Assert.Matches(new Regex(@"Hardware Reduced \(V5\) : 1"), text["FACP"]);
            Assert.Matches(new Regex(@"Reset Register Supported \(V2\) : 1"), text["FACP"]);
            Assert.Equal(4, Regex.Matches(text["APIC"], @"Subtable Type : 00 \[Processor Local APIC\]").Count);
            Assert.Contains("Subtable Type : 01 [I/O APIC]", text["APIC"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    [InlineData(254)]
    public void Build_VcpuCount_MadtHasOneEnabledLocalApicPerVcpu(int vcpus)
    {
        var madt = AcpiTables.Build(Configuration(vcpus, 0), BootLayout.AcpiTables)["APIC"];
        Assert.Equal(0, Sum(madt));
        Assert.Equal(BootLayout.LocalApicAddress, BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(36)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(40)) & 1);
        var apicIds = new List<int>();
        int ioApics = 0, overrides = 0, nmis = 0;
        for (int o = 44; o < madt.Length; o += madt[o + 1])
        {
            Assert.True(madt[o + 1] >= 2, "zero-length MADT entry");
            switch (madt[o])
            {
                case 0:
                    Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(o + 4)) & 1);
                    apicIds.Add(madt[o + 3]);
                    break;
                case 1:
                    ioApics++;
                    Assert.Equal(vcpus, madt[o + 2]);
                    Assert.Equal(BootLayout.IoApicAddress, BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(o + 4)));
                    Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(o + 8)));
                    break;
                case 2:
                    overrides++;
                    Assert.Equal((0, 2u), (madt[o + 3], BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(o + 4))));
                    break;
                case 4:
                    nmis++;
                    Assert.Equal((0xff, 1), (madt[o + 2], madt[o + 5]));
                    break;
                default:
                    Assert.Fail($"unexpected MADT entry {madt[o]}");
                    break;
            }
        }

        Assert.Equal(Enumerable.Range(0, vcpus), apicIds);
        Assert.Equal((1, 1, 1), (ioApics, overrides, nmis));
    }

    [Fact]
    public void Write_NineteenDevicesMaxVcpus_FitsAndChecksumsHoldInGuestMemory()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var rsdpAddress = AcpiTables.Write(memory, Configuration(254, 19));
            Assert.Equal(BootLayout.AcpiTables, rsdpAddress);

            var rsdp = new byte[36];
            memory.Read(rsdpAddress, rsdp);
            Assert.True(rsdp.AsSpan(0, 8).SequenceEqual("RSD PTR "u8));
            Assert.Equal(0, Sum(rsdp.AsSpan(0, 20)));
            Assert.Equal(0, Sum(rsdp));
            Assert.Equal(2, rsdp[15]);
            Assert.True(rsdp.AsSpan(9, 6).SequenceEqual("VMMNET"u8));

            var xsdt = ReadTable(memory, new GuestAddress(BinaryPrimitives.ReadUInt64LittleEndian(rsdp.AsSpan(24))), "XSDT");
            var signatures = new List<string>();
            for (int o = 36; o < xsdt.Length; o += 8)
            {
                var address = new GuestAddress(BinaryPrimitives.ReadUInt64LittleEndian(xsdt.AsSpan(o)));
                Assert.InRange(address.Value, BootLayout.AcpiTables.Value, BootLayout.AcpiTablesEnd.Value - 1);
                var table = ReadTable(memory, address, null);
                signatures.Add(System.Text.Encoding.ASCII.GetString(table, 0, 4));
                if (signatures[^1] == "FACP")
                {
                    Assert.Equal(276, table.Length);
                    Assert.Equal(6, table[8]);
                    uint flags = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(112));
                    Assert.Equal((1u << 20) | (1u << 10), flags & ((1u << 20) | (1u << 10)));
                    ReadTable(memory, new GuestAddress(BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(140))), "DSDT");
                    AssertIoRegister(table.AsSpan(116), 0x3c2);
                    Assert.Equal(1, table[128]);
                    AssertIoRegister(table.AsSpan(244), 0x3c0);
                    AssertIoRegister(table.AsSpan(256), 0x3c1);
                }
            }

            Assert.Equal(["FACP", "APIC"], signatures);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Write_TablesOutsideGuestMemory_ThrowsBootConfiguration()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 0xe0000)]);
        try
        {
            Assert.Throws<BootConfigurationException>(() => AcpiTables.Write(memory, Configuration(1, 1)));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Write_TooManyDevicesForArea_ThrowsBootConfiguration()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var configuration = new AcpiConfiguration
            {
                VcpuCount = 1,
                Devices = [.. Enumerable.Range(0, 4000).Select(i => AcpiDevice.VirtioMmio((uint)i, 0xd000_0000UL, 0x1000, 5))],
            };
            Assert.Throws<BootConfigurationException>(() => AcpiTables.Write(memory, configuration));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Theory]
    [InlineData(0, 0xd0000000UL, 0x1000UL, 5u)]
    [InlineData(255, 0xd0000000UL, 0x1000UL, 5u)]
    [InlineData(1, 0xffff_f800UL, 0x1000UL, 5u)]
    [InlineData(1, 0xd0000000UL, 0UL, 5u)]
    [InlineData(1, 0xd0000000UL, 0x1000UL, 24u)]
    public void Build_InvalidConfiguration_Throws(int vcpus, ulong address, ulong size, uint irq)
    {
        var configuration = new AcpiConfiguration { VcpuCount = vcpus, Devices = [AcpiDevice.VirtioMmio(0, address, size, irq)] };
        Assert.Throws<ArgumentException>(() => AcpiTables.Build(configuration, BootLayout.AcpiTables));
    }

    [Fact]
    public void Build_S5SleepType_InDsdtPackage()
    {
        var dsdt = AcpiTables.Build(new AcpiConfiguration { VcpuCount = 1, S5SleepType = 7 }, BootLayout.AcpiTables)["DSDT"];
        // Name(\_S5_, Package(4) { 7, 0, 0, 0 }): NameOp '\' "_S5_" PackageOp PkgLength NumElements BytePrefix 7 Zero Zero Zero
        byte[] expected = [0x08, 0x5c, (byte)'_', (byte)'S', (byte)'5', (byte)'_', 0x12, 0x07, 0x04, 0x0a, 0x07, 0x00, 0x00, 0x00];
        Assert.True(dsdt.AsSpan().IndexOf(expected) > 0);
        Assert.Equal(0, Sum(dsdt));
    }

    private static void AssertIoRegister(ReadOnlySpan<byte> gas, ushort port)
    {
        Assert.Equal((1, 8, 0), (gas[0], gas[1], gas[2]));
        Assert.Equal(port, BinaryPrimitives.ReadUInt64LittleEndian(gas[4..]));
    }

    private static byte[] ReadTable(GuestMemory memory, GuestAddress address, string? signature)
    {
        var header = new byte[36];
        memory.Read(address, header);
        if (signature is not null)
        {
            Assert.Equal(signature, System.Text.Encoding.ASCII.GetString(header, 0, 4));
        }

        var table = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4))];
        memory.Read(address, table);
        Assert.Equal(0, Sum(table));
        return table;
    }

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return sum;
    }
}
