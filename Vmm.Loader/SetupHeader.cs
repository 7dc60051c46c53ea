using System.Buffers.Binary;

namespace Vmm.Loader;

/// <summary>
/// The x86 Linux boot protocol setup header (<c>struct setup_header</c>, file and zero-page offset
/// 0x1f1) of a bzImage, parsed and validated. Fields that the image's protocol version predates read as 0.
/// </summary>
/// <remarks>
/// Protocol 2.06 is the minimum: it is the first version that states <c>cmdline_size</c>, so the
/// command line's real limit is known (older kernels silently truncate at 255 bytes), and it implies
/// the 2.02–2.05 fields this loader relies on (<c>cmd_line_ptr</c>, <c>initrd_addr_max</c>,
/// <c>relocatable_kernel</c>/<c>kernel_alignment</c>). Newer fields (payload 2.08, pref_address/init_size 2.10,
/// xloadflags 2.12) are checked where a load path needs them.
/// </remarks>
public sealed class SetupHeader
{
    /// <summary>Offset of the header in the file and in <c>struct boot_params</c>.</summary>
    public const int Offset = 0x1f1;

    /// <summary>The end of the header area in <c>struct boot_params</c> (the next field starts here).</summary>
    public const int MaximumEnd = 0x290;

    /// <summary>The "HdrS" signature at 0x202.</summary>
    public const uint HeaderMagic = 0x53726448;

    /// <summary>The boot sector signature at 0x1fe.</summary>
    public const ushort BootFlagMagic = 0xAA55;

    /// <summary>The minimum supported boot protocol version (2.06).</summary>
    public const ushort MinimumVersion = 0x0206;

    private readonly byte[] _raw;

    private SetupHeader(byte[] raw) => _raw = raw;

    /// <summary>The header bytes from 0x1f1 to the end the image declares (0x202 + the byte at 0x201).</summary>
    public ReadOnlySpan<byte> RawBytes => _raw;

    /// <summary>Setup code size in 512-byte sectors, with the protocol's "0 means 4" applied.</summary>
    public int SetupSectors => _raw[0] == 0 ? 4 : _raw[0];

    /// <summary>File offset of the protected-mode code: (setup_sects + 1) × 512.</summary>
    public int ProtectedModeOffset => (SetupSectors + 1) * 512;

    /// <summary>Protected-mode code size in 16-byte paragraphs (<c>syssize</c>).</summary>
    public uint SysSize => U32(0x1f4);

    /// <summary>The boot sector signature (<c>boot_flag</c>, 0xAA55).</summary>
    public ushort BootFlag => U16(0x1fe);

    /// <summary>The boot protocol version (<c>version</c>), e.g. 0x020f.</summary>
    public ushort Version => U16(0x206);

    /// <summary>The <c>loadflags</c> byte.</summary>
    public SetupLoadFlags LoadFlags => (SetupLoadFlags)_raw[0x211 - Offset];

    /// <summary>The highest address the initrd may occupy (<c>initrd_addr_max</c>, inclusive).</summary>
    public uint InitrdAddressMax => U32(0x22c);

    /// <summary>The physical alignment the kernel needs when relocated (<c>kernel_alignment</c>).</summary>
    public uint KernelAlignment => U32(0x230);

    /// <summary>Whether the kernel is relocatable (<c>relocatable_kernel</c>).</summary>
    public bool RelocatableKernel => U8(0x234) != 0;

    /// <summary>Log2 of the minimum alignment (<c>min_alignment</c>, 2.10+).</summary>
    public byte MinAlignment => U8(0x235);

    /// <summary>The <c>xloadflags</c> (2.12+).</summary>
    public ExtendedLoadFlags ExtendedLoadFlags => (ExtendedLoadFlags)U16(0x236);

    /// <summary>Maximum command line length without the terminating NUL (<c>cmdline_size</c>).</summary>
    public uint CommandLineSize => U32(0x238);

    /// <summary>Offset of the compressed payload from the protected-mode code (<c>payload_offset</c>, 2.08+).</summary>
    public uint PayloadOffset => U32(0x248);

    /// <summary>Length of the compressed payload (<c>payload_length</c>, 2.08+).</summary>
    public uint PayloadLength => U32(0x24c);

    /// <summary>The preferred load address (<c>pref_address</c>, 2.10+).</summary>
    public ulong PreferredAddress => U64(0x258);

    /// <summary>The linear memory the kernel needs from its run address while it boots (<c>init_size</c>, 2.10+).</summary>
    public uint InitSize => U32(0x260);

    /// <summary>Offset of the EFI handover entry (<c>handover_offset</c>, 2.11+).</summary>
    public uint HandoverOffset => U32(0x264);

    /// <summary>Length of the protected-mode code to load: syssize × 16, or the rest of the file when syssize is 0.</summary>
    public int ProtectedModeLength { get; private init; }

    /// <summary>Parses and validates the setup header of a bzImage.</summary>
    /// <exception cref="KernelFormatException">The image is truncated, not a bzImage, or too old.</exception>
    public static SetupHeader Parse(ReadOnlySpan<byte> image)
    {
        if (image.Length < 0x202 + 4 + 2)
        {
            throw new KernelFormatException($"bzImage: file of {image.Length} bytes is too short for a setup header.");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(image[0x1fe..]) != BootFlagMagic)
        {
            throw new KernelFormatException("bzImage: boot_flag at 0x1fe is not 0xAA55.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(image[0x202..]) != HeaderMagic)
        {
            throw new KernelFormatException("bzImage: no \"HdrS\" signature at 0x202 (boot protocol < 2.00 or not a Linux kernel).");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(image[0x206..]);
        if (version < MinimumVersion)
        {
            throw new KernelFormatException($"bzImage: boot protocol {version >> 8}.{version & 0xff:D2} is older than 2.06 (no cmdline_size).");
        }

        int end = 0x202 + image[0x201];
        if (end < 0x23c || end > MaximumEnd)
        {
            throw new KernelFormatException($"bzImage: setup header end 0x{end:x} (from the jump at 0x200) is outside 0x23c..0x290.");
        }

        if (end > image.Length)
        {
            throw new KernelFormatException($"bzImage: setup header ends at 0x{end:x}, past the end of the {image.Length}-byte file.");
        }

        var header = new SetupHeader(image[Offset..end].ToArray());
        int pmOffset = header.ProtectedModeOffset;
        if (pmOffset >= image.Length)
        {
            throw new KernelFormatException($"bzImage: protected-mode code at 0x{pmOffset:x} starts past the end of the {image.Length}-byte file.");
        }

        if (end > pmOffset)
        {
            throw new KernelFormatException($"bzImage: setup header end 0x{end:x} lies beyond the setup code (0x{pmOffset:x}).");
        }

        if ((header.LoadFlags & SetupLoadFlags.LoadedHigh) == 0)
        {
            throw new KernelFormatException("bzImage: LOADED_HIGH is clear (a zImage loaded at 0x10000 is not supported).");
        }

        ulong available = (ulong)(image.Length - pmOffset);
        ulong sysBytes = (ulong)header.SysSize * 16;
        if (sysBytes > available)
        {
            throw new KernelFormatException($"bzImage: syssize says 0x{sysBytes:x} bytes of protected-mode code, the file holds 0x{available:x} (truncated).");
        }

        int pmLength = sysBytes == 0 ? (int)available : (int)sysBytes;
        if (header.CommandLineSize == 0)
        {
            throw new KernelFormatException("bzImage: cmdline_size is 0.");
        }

        if (header.RelocatableKernel && !IsPowerOfTwo(header.KernelAlignment))
        {
            throw new KernelFormatException($"bzImage: kernel_alignment 0x{header.KernelAlignment:x} is not a power of two.");
        }

        if (header.PayloadLength != 0 && (ulong)header.PayloadOffset + header.PayloadLength > (ulong)pmLength)
        {
            throw new KernelFormatException($"bzImage: payload 0x{header.PayloadOffset:x}+0x{header.PayloadLength:x} runs past the protected-mode code (0x{pmLength:x} bytes).");
        }

        if (version >= 0x020a && header.InitSize == 0)
        {
            throw new KernelFormatException("bzImage: init_size is 0.");
        }

        return new SetupHeader(header._raw) { ProtectedModeLength = pmLength };
    }

    internal ushort U16(int offset) => offset + 2 <= Offset + _raw.Length ? BinaryPrimitives.ReadUInt16LittleEndian(_raw.AsSpan(offset - Offset)) : (ushort)0;

    internal uint U32(int offset) => offset + 4 <= Offset + _raw.Length ? BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(offset - Offset)) : 0;

    private byte U8(int offset) => offset + 1 <= Offset + _raw.Length ? _raw[offset - Offset] : (byte)0;

    private ulong U64(int offset) => offset + 8 <= Offset + _raw.Length ? BinaryPrimitives.ReadUInt64LittleEndian(_raw.AsSpan(offset - Offset)) : 0;

    private static bool IsPowerOfTwo(uint value) => value != 0 && (value & (value - 1)) == 0;
}
