using System.Buffers.Binary;
using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// The Linux zero page (<c>struct boot_params</c>, 4096 bytes) for the 64-bit boot protocol: the setup
/// header (copied from a bzImage, or synthesized for an ELF <c>vmlinux</c>), loader type, command line,
/// initrd, E820 map and ACPI RSDP address.
/// </summary>
public sealed class BootParams
{
    /// <summary>The size of the zero page.</summary>
    public const int Size = 4096;

    /// <summary>The <c>type_of_loader</c> value for an undefined boot loader.</summary>
    public const byte UndefinedLoader = 0xff;

    private const int AcpiRsdpAddrOffset = 0x070;
    private const int ExtRamdiskImageOffset = 0x0c0;
    private const int ExtRamdiskSizeOffset = 0x0c4;
    private const int ExtCmdLinePtrOffset = 0x0c8;
    private const int E820EntriesOffset = 0x1e8;
    private const int BootFlagOffset = 0x1fe;
    private const int HeaderMagicOffset = 0x202;
    private const int VersionOffset = 0x206;
    private const int TypeOfLoaderOffset = 0x210;
    private const int LoadFlagsOffset = 0x211;
    private const int RamdiskImageOffset = 0x218;
    private const int RamdiskSizeOffset = 0x21c;
    private const int HeapEndPtrOffset = 0x224;
    private const int CmdLinePtrOffset = 0x228;
    private const int KernelAlignmentOffset = 0x230;
    private const int CmdLineSizeOffset = 0x238;
    private const int E820TableOffset = 0x2d0;

    private readonly byte[] _page = new byte[Size];

    private BootParams()
    {
    }

    /// <summary>The <c>cmdline_size</c> the header states: the most command line bytes without the NUL.</summary>
    public uint CommandLineSize => BinaryPrimitives.ReadUInt32LittleEndian(_page.AsSpan(CmdLineSizeOffset));

    /// <summary>The zero page's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _page;

    /// <summary>
    /// A zero page for a bzImage: its setup header bytes (0x1f1 to the header's end) copied as the boot
    /// protocol requires, <c>type_of_loader</c> 0xff, and <c>CAN_USE_HEAP</c> with <c>heap_end_ptr</c>.
    /// </summary>
    public static BootParams FromSetupHeader(SetupHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var p = new BootParams();
        header.RawBytes.CopyTo(p._page.AsSpan(SetupHeader.Offset));
        p.InitLoaderFields();
        return p;
    }

    /// <summary>
    /// A zero page for a kernel with no setup header in the file (an ELF <c>vmlinux</c>): a synthesized
    /// header with boot flag, "HdrS", protocol 2.15, kernel alignment 16 MiB and the command line capacity.
    /// </summary>
    /// <param name="commandLineCapacity">The command line capacity including the NUL.</param>
    public static BootParams Synthesized(int commandLineCapacity = KernelCommandLine.DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(commandLineCapacity, 2);
        var p = new BootParams();
        var page = p._page.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(page[BootFlagOffset..], SetupHeader.BootFlagMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(page[HeaderMagicOffset..], SetupHeader.HeaderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(page[VersionOffset..], 0x020f);
        page[LoadFlagsOffset] = (byte)SetupLoadFlags.LoadedHigh;
        BinaryPrimitives.WriteUInt32LittleEndian(page[KernelAlignmentOffset..], 0x0100_0000);
        BinaryPrimitives.WriteUInt32LittleEndian(page[CmdLineSizeOffset..], (uint)(commandLineCapacity - 1));
        p.InitLoaderFields();
        return p;
    }

    /// <summary>A zero page for a loaded kernel: <see cref="FromSetupHeader"/> when it has a header, else <see cref="Synthesized"/>.</summary>
    public static BootParams ForKernel(LoadedKernel kernel, int commandLineCapacity = KernelCommandLine.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return kernel.SetupHeader is { } header ? FromSetupHeader(header) : Synthesized(commandLineCapacity);
    }

    /// <summary>Sets <c>cmd_line_ptr</c> (and <c>ext_cmd_line_ptr</c>) after checking the length against <c>cmdline_size</c>.</summary>
    /// <param name="address">Where the NUL-terminated command line is.</param>
    /// <param name="length">Its length without the NUL.</param>
    /// <exception cref="BootConfigurationException">Longer than the kernel's <c>cmdline_size</c>.</exception>
    public void SetCommandLine(GuestAddress address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if ((uint)length > CommandLineSize)
        {
            throw new BootConfigurationException($"Command line of {length} bytes exceeds the kernel's cmdline_size {CommandLineSize}.");
        }

        WriteSplit(address.Value, CmdLinePtrOffset, ExtCmdLinePtrOffset);
    }

    /// <summary>Sets <c>ramdisk_image</c>/<c>ramdisk_size</c> and their <c>ext_*</c> high halves.</summary>
    public void SetInitrd(GuestAddress address, ulong size)
    {
        WriteSplit(address.Value, RamdiskImageOffset, ExtRamdiskImageOffset);
        WriteSplit(size, RamdiskSizeOffset, ExtRamdiskSizeOffset);
    }

    /// <summary>Sets <c>e820_entries</c> and <c>e820_table</c>.</summary>
    public void SetE820(E820Map map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var page = _page.AsSpan();
        page.Slice(E820TableOffset, E820Map.MaximumEntries * E820Entry.EncodedSize).Clear();
        for (int i = 0; i < map.Entries.Count; i++)
        {
            var e = map.Entries[i];
            var slot = page.Slice(E820TableOffset + (i * E820Entry.EncodedSize), E820Entry.EncodedSize);
            BinaryPrimitives.WriteUInt64LittleEndian(slot, e.Address);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[8..], e.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[16..], (uint)e.Type);
        }

        page[E820EntriesOffset] = (byte)map.Entries.Count;
    }

    /// <summary>Sets <c>acpi_rsdp_addr</c> (read by kernels with boot protocol 2.14 and later).</summary>
    public void SetAcpiRsdp(GuestAddress rsdp) => BinaryPrimitives.WriteUInt64LittleEndian(_page.AsSpan(AcpiRsdpAddrOffset), rsdp.Value);

    /// <summary>Writes the zero page into guest memory.</summary>
    /// <exception cref="BootConfigurationException">The page is not guest RAM.</exception>
    public void Write(GuestMemory memory, GuestAddress address)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (!memory.TryWrite(address, _page))
        {
            throw new BootConfigurationException($"Zero page at {address} is outside guest memory.");
        }
    }

    private void InitLoaderFields()
    {
        var page = _page.AsSpan();
        page[TypeOfLoaderOffset] = UndefinedLoader;
        page[LoadFlagsOffset] |= (byte)SetupLoadFlags.CanUseHeap;
        // heap_end_ptr is relative to the real-mode code; only the 16-bit entry uses it. 0xfe00 is the
        // conventional value (the end of a 64 KiB real-mode segment minus the 512-byte stack).
        BinaryPrimitives.WriteUInt16LittleEndian(page[HeapEndPtrOffset..], 0xfe00);
    }

    private void WriteSplit(ulong value, int lowOffset, int highOffset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_page.AsSpan(lowOffset), (uint)value);
        BinaryPrimitives.WriteUInt32LittleEndian(_page.AsSpan(highOffset), (uint)(value >> 32));
    }
}
