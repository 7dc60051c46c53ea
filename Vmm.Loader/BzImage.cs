using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// A Linux x86 bzImage: the validated setup header, the protected-mode code and its compressed payload.
/// Two load paths: <see cref="Load"/> copies the protected-mode code and lets the kernel decompress itself;
/// <see cref="LoadDecompressed"/> decompresses the payload on the host and loads the resulting ELF
/// <c>vmlinux</c>, so the guest skips its decompressor. Both enter through the 64-bit boot protocol.
/// </summary>
public sealed class BzImage
{
    /// <summary>The conventional load address of the protected-mode code (1 MiB, <c>code32_start</c>).</summary>
    public static readonly GuestAddress DefaultLoadAddress = new(0x100000);

    /// <summary>Offset of the 64-bit entry point from the protected-mode load address.</summary>
    public const ulong Entry64Offset = 0x200;

    private readonly ReadOnlyMemory<byte> _image;

    private BzImage(ReadOnlyMemory<byte> image, SetupHeader header)
    {
        _image = image;
        Header = header;
    }

    /// <summary>The image's setup header.</summary>
    public SetupHeader Header { get; }

    /// <summary>The protected-mode code (what is loaded at 1 MiB).</summary>
    public ReadOnlyMemory<byte> ProtectedModeCode => _image.Slice(Header.ProtectedModeOffset, Header.ProtectedModeLength);

    /// <summary>The compressed kernel (<c>payload_offset</c>/<c>payload_length</c>); empty when the header has none.</summary>
    public ReadOnlyMemory<byte> Payload => Header.PayloadLength == 0
        ? ReadOnlyMemory<byte>.Empty
        : ProtectedModeCode.Slice((int)Header.PayloadOffset, (int)Header.PayloadLength);

    /// <summary>The payload's compression format.</summary>
    public PayloadFormat PayloadFormat => KernelPayload.Detect(Payload.Span);

    /// <summary>Parses a bzImage file.</summary>
    /// <param name="image">The whole file; referenced, not copied.</param>
    /// <exception cref="KernelFormatException">The image is malformed, truncated or uses a protocol older than 2.06.</exception>
    public static BzImage Parse(ReadOnlyMemory<byte> image) => new(image, SetupHeader.Parse(image.Span));

    /// <summary>Whether the file starts like a bzImage (boot flag and "HdrS"); a cheap check before <see cref="Parse"/>.</summary>
    public static bool IsBzImage(ReadOnlySpan<byte> image) =>
        image.Length >= 0x206
        && System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(image[0x1fe..]) == SetupHeader.BootFlagMagic
        && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(image[0x202..]) == SetupHeader.HeaderMagic;

    /// <summary>
    /// Copies the protected-mode code to <paramref name="loadAddress"/> (default 1 MiB). The kernel's own
    /// decompressor runs in the guest; the 64-bit entry is the load address + 0x200.
    /// </summary>
    /// <exception cref="KernelFormatException">The kernel has no 64-bit entry point (XLF_KERNEL_64), or a non-relocatable kernel is given another address.</exception>
    /// <exception cref="BootConfigurationException">The code or the area the kernel decompresses into does not fit in guest memory.</exception>
    public LoadedKernel Load(GuestMemory memory, GuestAddress? loadAddress = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if ((Header.ExtendedLoadFlags & ExtendedLoadFlags.Kernel64) == 0)
        {
            throw new KernelFormatException("bzImage: XLF_KERNEL_64 is clear: the kernel has no 64-bit entry point.");
        }

        var load = loadAddress ?? DefaultLoadAddress;
        if (!Header.RelocatableKernel && load != DefaultLoadAddress)
        {
            throw new KernelFormatException($"bzImage: the kernel is not relocatable; it must be loaded at {DefaultLoadAddress}, not {load}.");
        }

        if (!load.IsAligned(4096))
        {
            throw new BootConfigurationException($"bzImage: load address {load} is not page aligned.");
        }

        var footprint = RunFootprint(load);
        var code = ProtectedModeCode;
        if (!memory.IsValidRange(load, (ulong)code.Length) || !memory.IsValidRange(footprint.Start, footprint.Length))
        {
            throw new BootConfigurationException($"bzImage: the kernel needs {footprint} (code {load}+0x{code.Length:x}, init_size 0x{Header.InitSize:x}); guest memory is {memory}.");
        }

        memory.Write(load, code.Span);
        return new LoadedKernel(KernelImageKind.BzImage, footprint, load + Entry64Offset, null, Header);
    }

    /// <summary>Decompresses the payload on the host into the ELF <c>vmlinux</c> it holds.</summary>
    /// <param name="maximumLength">The most bytes the decompressed kernel may have.</param>
    /// <exception cref="KernelFormatException">No payload, unsupported format, corrupt data or output over the limit.</exception>
    public byte[] DecompressKernel(int maximumLength = KernelPayload.DefaultMaximumLength)
    {
        if (Header.PayloadLength == 0)
        {
            throw new KernelFormatException("bzImage: the setup header declares no payload (protocol < 2.08?).");
        }

        return KernelPayload.Decompress(Payload, maximumLength);
    }

    /// <summary>
    /// Decompresses the payload on the host and loads the resulting ELF <c>vmlinux</c> at its physical
    /// addresses; the 64-bit entry is its <c>startup_64</c>. The result keeps this image's setup header
    /// for the zero page.
    /// </summary>
    /// <exception cref="KernelFormatException">The payload or the ELF inside it is malformed.</exception>
    /// <exception cref="BootConfigurationException">A segment does not fit in guest memory.</exception>
    public LoadedKernel LoadDecompressed(GuestMemory memory, int maximumLength = KernelPayload.DefaultMaximumLength)
    {
        var vmlinux = ElfKernel.Parse(DecompressKernel(maximumLength));
        return vmlinux.LoadAs(memory, KernelImageKind.BzImageDecompressed, Header);
    }

    private GuestRange RunFootprint(GuestAddress load)
    {
        // The decompressor runs from the load address aligned up to kernel_alignment, but never below
        // pref_address (LOAD_PHYSICAL_ADDR), and needs init_size bytes from there. UInt128: the header
        // values come from the file and must not wrap.
        UInt128 run = Header.PreferredAddress;
        if (Header.RelocatableKernel && Header.KernelAlignment != 0)
        {
            UInt128 alignment = Header.KernelAlignment;
            UInt128 aligned = (load.Value + alignment - 1) / alignment * alignment;
            run = UInt128.Max(aligned, run);
        }

        UInt128 start = UInt128.Min(load.Value, run);
        UInt128 end = UInt128.Max(load.Value + (UInt128)(ulong)ProtectedModeCode.Length, run + Math.Max(Header.InitSize, 1u));
        if (end > ulong.MaxValue)
        {
            throw new BootConfigurationException($"bzImage: run address {run:x} + init_size 0x{Header.InitSize:x} is beyond the address space.");
        }

        return new GuestRange(new GuestAddress((ulong)start), (ulong)(end - start));
    }
}
