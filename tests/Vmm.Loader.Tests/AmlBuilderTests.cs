using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vmm.Loader.Acpi;

namespace Vmm.Loader.Tests;

public sealed class AmlBuilderTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(63, new byte[] { 0x3f })]
    [InlineData(64, new byte[] { 0x40, 0x04 })]
    [InlineData(4095, new byte[] { 0x4f, 0xff })]
    [InlineData(4096, new byte[] { 0x80, 0x00, 0x01 })]
    [InlineData(0xfffff, new byte[] { 0x8f, 0xff, 0xff })]
    [InlineData(0x100000, new byte[] { 0xc0, 0x00, 0x00, 0x01 })]
    [InlineData(0xfffffff, new byte[] { 0xcf, 0xff, 0xff, 0xff })]
    public void PackageLengthValue_Boundaries_KnownEncodings(int value, byte[] expected) =>
        Assert.Equal(expected, AmlEncoding.PackageLengthValue(value));

    [Theory]
    [InlineData(62, new byte[] { 0x3f })]              // 62 + 1 = 63 fits one byte
    [InlineData(63, new byte[] { 0x41, 0x04 })]        // 63 + 1 = 64 does not: 63 + 2 = 65
    [InlineData(4093, new byte[] { 0x4f, 0xff })]      // 4093 + 2 = 4095
    [InlineData(4094, new byte[] { 0x81, 0x00, 0x01 })] // 4094 + 2 = 4096 does not fit 12 bits: 4094 + 3 = 0x1001
    public void PackageLength_Content_CountsItsOwnBytes(int content, byte[] expected) =>
        Assert.Equal(expected, AmlEncoding.PackageLength(content));

    [Fact]
    public void PackageLength_TooLarge_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AmlEncoding.PackageLength(0xfffffff - 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => AmlEncoding.PackageLengthValue(0x10000000));
    }

    [Property(MaxTest = 500)]
    public Property PackageLength_AnyContent_DecodesToContentPlusOwnSize() =>
        Prop.ForAll(Gen.Choose(0, 0xfffffff - 4).ToArbitrary(), content =>
        {
            var bytes = AmlEncoding.PackageLength(content);
            int decoded = DecodePackageLength(bytes, out int consumed);
            bool shortest = bytes.Length == 1 || content + bytes.Length - 1 > (bytes.Length == 2 ? 0x3f : bytes.Length == 3 ? 0xfff : 0xfffff);
            return consumed == bytes.Length && decoded == content + bytes.Length && shortest;
        });

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(2UL, new byte[] { 0x0a, 0x02 })]
    [InlineData(0xffUL, new byte[] { 0x0a, 0xff })]
    [InlineData(0x100UL, new byte[] { 0x0b, 0x00, 0x01 })]
    [InlineData(0xffffUL, new byte[] { 0x0b, 0xff, 0xff })]
    [InlineData(0x10000UL, new byte[] { 0x0c, 0x00, 0x00, 0x01, 0x00 })]
    [InlineData(0xffffffffUL, new byte[] { 0x0c, 0xff, 0xff, 0xff, 0xff })]
    [InlineData(0x100000000UL, new byte[] { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xff })]
    public void Integer_Value_ShortestPrefix(ulong value, byte[] expected) =>
        Assert.Equal(expected, new AmlBuilder().Integer(value).ToArray());

    [Property(MaxTest = 500)]
    public Property Integer_AnyValue_DecodesBack() =>
        Prop.ForAll(
            Gen.Choose(0, 64).SelectMany(bits => Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => bits == 0 ? 0UL : (((ulong)(uint)t.Item1 << 32) | (uint)t.Item2) >> (64 - bits))).ToArbitrary(),
            value =>
            {
                var bytes = new AmlBuilder().Integer(value).ToArray();
                ulong decoded = bytes[0] switch
                {
                    0x00 => 0,
                    0x01 => 1,
                    0xff => ulong.MaxValue,
                    0x0a => bytes[1],
                    0x0b => BitConverter.ToUInt16(bytes, 1),
                    0x0c => BitConverter.ToUInt32(bytes, 1),
                    0x0e => BitConverter.ToUInt64(bytes, 1),
                    _ => throw new InvalidOperationException("unknown prefix"),
                };
                int expectedLength = value is 0 or 1 or ulong.MaxValue ? 1 : value <= 0xff ? 2 : value <= 0xffff ? 3 : value <= 0xffffffff ? 5 : 9;
                return decoded == value && bytes.Length == expectedLength;
            });

    [Theory]
    [InlineData("PNP0501", 0x0105D041u)]
    [InlineData("PNP0A03", 0x030AD041u)]
    [InlineData("PNP0C0F", 0x0F0CD041u)]
    public void EisaId_KnownIds_MatchAsl(string id, uint expected) => Assert.Equal(expected, AmlEncoding.EisaId(id));

    [Theory]
    [InlineData("PNP050")]
    [InlineData("pnp0501")]
    [InlineData("PNP05G1")]
    public void EisaId_Malformed_Throws(string id) => Assert.Throws<ArgumentException>(() => AmlEncoding.EisaId(id));

    [Theory]
    [InlineData("_S5", new byte[] { 0x5f, 0x53, 0x35, 0x5f })]
    [InlineData("\\_SB_", new byte[] { 0x5c, 0x5f, 0x53, 0x42, 0x5f })]
    [InlineData("\\", new byte[] { 0x5c, 0x00 })]
    [InlineData("^COM1", new byte[] { 0x5e, 0x43, 0x4f, 0x4d, 0x31 })]
    [InlineData("_SB.PCI0", new byte[] { 0x2e, 0x5f, 0x53, 0x42, 0x5f, 0x50, 0x43, 0x49, 0x30 })]
    [InlineData("\\_SB.A.B", new byte[] { 0x5c, 0x2f, 0x03, 0x5f, 0x53, 0x42, 0x5f, 0x41, 0x5f, 0x5f, 0x5f, 0x42, 0x5f, 0x5f, 0x5f })]
    public void NamePath_Forms_KnownEncodings(string path, byte[] expected) =>
        Assert.Equal(expected, new AmlBuilder().NamePath(path).ToArray());

    [Theory]
    [InlineData("")]
    [InlineData("1ABC")]
    [InlineData("ABCDE")]
    [InlineData("ab")]
    [InlineData("A..B")]
    public void NamePath_Invalid_Throws(string path) => Assert.Throws<ArgumentException>(() => new AmlBuilder().NamePath(path));

    [Fact]
    public void Device_WithHidAndUid_KnownBytes()
    {
        var bytes = new AmlBuilder().Device("COM1", d => d.Name("_HID", v => v.EisaId("PNP0501")).Name("_UID", 1)).ToArray();
        byte[] expected =
        [
            0x5b, 0x82, 0x15, (byte)'C', (byte)'O', (byte)'M', (byte)'1',
            0x08, (byte)'_', (byte)'H', (byte)'I', (byte)'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
            0x08, (byte)'_', (byte)'U', (byte)'I', (byte)'D', 0x01,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Method_ReturnString_KnownBytes()
    {
        var bytes = new AmlBuilder().Method("_STA", 0, serialized: false, m => m.Return(r => r.Integer(0x0f))).ToArray();
        Assert.Equal(new byte[] { 0x14, 0x09, (byte)'_', (byte)'S', (byte)'T', (byte)'A', 0x00, 0xa4, 0x0a, 0x0f }, bytes);
    }

    [Fact]
    public void String_And_Buffer_KnownBytes()
    {
        Assert.Equal(new byte[] { 0x0d, (byte)'A', (byte)'b', 0x00 }, new AmlBuilder().String("Ab").ToArray());
        Assert.Equal(new byte[] { 0x11, 0x05, 0x0a, 0x02, 0xaa, 0xbb }, new AmlBuilder().Buffer([0xaa, 0xbb]).ToArray());
        Assert.Throws<ArgumentException>(() => new AmlBuilder().String("caf\u00e9"));
    }

    [Fact]
    public void Package_ElementCount_FromTerms()
    {
        var bytes = new AmlBuilder().Package(p => p.Integer(5).String("x").Package(0, 1)).ToArray();
        Assert.Equal(new byte[] { 0x12, 0x0c, 0x03, 0x0a, 0x05, 0x0d, (byte)'x', 0x00, 0x12, 0x04, 0x02, 0x00, 0x01 }, bytes);
        Assert.Throws<ArgumentException>(() => new AmlBuilder().Package(p => { for (int i = 0; i < 256; i++) { p.Integer(0); } }));
    }

    [Fact]
    public void ResourceTemplate_EndTagChecksum_SumsToZero()
    {
        var template = new ResourceTemplateBuilder()
            .Memory32Fixed(true, 0xd0000000, 0x1000)
            .Interrupt(consumer: true, edgeTriggered: true, activeLow: false, shared: false, 5)
            .Io(0x3f8, 0x3f8, 1, 8)
            .IrqNoFlags(4)
            .ToArray();
        Assert.Equal(new byte[] { 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0xd0, 0x00, 0x10, 0x00, 0x00 }, template[..12]);
        Assert.Equal(new byte[] { 0x89, 0x06, 0x00, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00 }, template[12..21]);
        Assert.Equal(new byte[] { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08 }, template[21..29]);
        Assert.Equal(new byte[] { 0x22, 0x10, 0x00 }, template[29..32]);
        Assert.Equal(0x79, template[32]);
        Assert.Equal(0, template.Aggregate(0, (sum, b) => (sum + b) & 0xff));
    }

    [Fact]
    public void PackageWithLongBody_UsesMultiBytePkgLength()
    {
        var bytes = new AmlBuilder().Scope("\\_SB_", s =>
        {
            for (int i = 0; i < 20; i++)
            {
                s.Name("N" + i.ToString("X3", System.Globalization.CultureInfo.InvariantCulture), 0x1234);
            }
        }).ToArray();

        // 20 × (NameOp + 4 + WordPrefix + 2) = 160 bytes + 5 for \_SB_ → 165 + 2 = 167 = 0xa7
        Assert.Equal(new byte[] { 0x10, 0x47, 0x0a }, bytes[..3]);
        Assert.Equal(3 + 165, bytes.Length);
    }

    private static int DecodePackageLength(ReadOnlySpan<byte> bytes, out int consumed)
    {
        int follow = bytes[0] >> 6;
        consumed = follow + 1;
        if (follow == 0)
        {
            return bytes[0] & 0x3f;
        }

        int value = bytes[0] & 0x0f;
        for (int i = 1; i <= follow; i++)
        {
            value |= bytes[i] << (4 + (8 * (i - 1)));
        }

        return value;
    }
}
