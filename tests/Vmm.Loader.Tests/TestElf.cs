using System.Buffers.Binary;

namespace Vmm.Loader.Tests;

/// <summary>Builds small ELF64 x86-64 executables for the loader's unit tests.</summary>
internal sealed class TestElf
{
    private readonly List<(uint Type, ulong Vaddr, ulong Paddr, byte[] Data, ulong MemSize, uint Flags)> _segments = [];

    public ulong Entry { get; set; }

    public TestElf Segment(ulong paddr, byte[] data, ulong memSize, ulong? vaddr = null, uint flags = 5)
    {
        _segments.Add((1, vaddr ?? paddr, paddr, data, memSize, flags));
        return this;
    }

    public TestElf Note(string name, uint type, byte[] desc)
    {
        var nameBytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        int nameLen = (nameBytes.Length + 3) & ~3, descLen = (desc.Length + 3) & ~3;
        var note = new byte[12 + nameLen + descLen];
        BinaryPrimitives.WriteUInt32LittleEndian(note, (uint)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), type);
        nameBytes.CopyTo(note, 12);
        desc.CopyTo(note, 12 + nameLen);
        _segments.Add((4, 0, 0, note, (ulong)note.Length, 4));
        return this;
    }

    public byte[] Build()
    {
        int phoff = 64, phnum = _segments.Count;
        int dataStart = phoff + (phnum * 56);
        int total = dataStart + _segments.Sum(s => s.Data.Length);
        var file = new byte[total];
        var s = file.AsSpan();
        "\u007fELF"u8.CopyTo(s);
        s[4] = 2; s[5] = 1; s[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(s[16..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(s[18..], 62);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], Entry);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], (ulong)phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(s[52..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(s[54..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(s[56..], (ushort)phnum);
        int offset = dataStart;
        for (int i = 0; i < phnum; i++)
        {
            var (type, vaddr, paddr, data, memSize, flags) = _segments[i];
            var ph = s.Slice(phoff + (i * 56), 56);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, type);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], flags);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], vaddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], paddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], (ulong)data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], memSize);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], 4096);
            data.CopyTo(file, offset);
            offset += data.Length;
        }

        return file;
    }
}
