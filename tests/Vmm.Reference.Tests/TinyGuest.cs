using System.Buffers.Binary;

namespace Vmm.Reference.Tests;

/// <summary>
/// A minimal ELF64 "kernel" for vmm: one PT_LOAD segment at 16 MiB whose code writes 0x40 to the
/// debug port 0x80, then asks the i8042 for a CPU reset (vmm exits with code 3). The same bytes run
/// in 32- and 64-bit mode.
/// </summary>
internal static class TinyGuest
{
    public const ulong LoadAddress = 0x100_0000;

    // mov al,0x40; out 0x80,al; mov al,0xfe; out 0x64,al; hlt; jmp $-1
    private static readonly byte[] Code = [0xB0, 0x40, 0xE6, 0x80, 0xB0, 0xFE, 0xE6, 0x64, 0xF4, 0xEB, 0xFD];

    public static byte[] Build()
    {
        const int headerSize = 64;
        const int programHeaderSize = 56;
        const int codeOffset = 0x1000;
        var image = new byte[codeOffset + Code.Length];
        var span = image.AsSpan();
        ReadOnlySpan<byte> magic = [0x7F, (byte)'E', (byte)'L', (byte)'F'];
        magic.CopyTo(span);
        span[4] = 2; // 64-bit
        span[5] = 1; // little endian
        span[6] = 1; // version
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], LoadAddress); // e_entry
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], headerSize); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(span[52..], headerSize); // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(span[54..], programHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(span[56..], 1); // e_phnum
        var ph = span[headerSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(ph, 1); // PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], 5); // R+X
        BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], codeOffset); // p_offset
        BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], LoadAddress); // p_vaddr
        BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], LoadAddress); // p_paddr
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], (ulong)Code.Length); // p_filesz
        BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], (ulong)Code.Length); // p_memsz
        BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], 0x1000); // p_align
        Code.CopyTo(span[codeOffset..]);
        return image;
    }

    public static string Write(string directory)
    {
        string path = Path.Combine(directory, "tiny-guest.elf");
        File.WriteAllBytes(path, Build());
        return path;
    }
}
