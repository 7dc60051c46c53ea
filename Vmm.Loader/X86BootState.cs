using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// The boot vCPU's registers as plain data, for the VMM to apply through its KVM layer (this package
/// does not depend on it). The factories also write the GDT, IDT and (long mode) page tables they
/// refer to at <see cref="BootLayout"/>'s addresses.
/// </summary>
public sealed record X86BootState
{
    /// <summary>CR0.PE: protected mode.</summary>
    public const ulong Cr0ProtectionEnable = 1UL << 0;

    /// <summary>CR0.ET: extension type (always 1 on modern CPUs).</summary>
    public const ulong Cr0ExtensionType = 1UL << 4;

    /// <summary>CR0.PG: paging.</summary>
    public const ulong Cr0Paging = 1UL << 31;

    /// <summary>CR4.PAE: physical address extension (required for long mode).</summary>
    public const ulong Cr4Pae = 1UL << 5;

    /// <summary>EFER.LME: long mode enable.</summary>
    public const ulong EferLongModeEnable = 1UL << 8;

    /// <summary>EFER.LMA: long mode active.</summary>
    public const ulong EferLongModeActive = 1UL << 10;

    /// <summary>GDT entry: 64-bit code, present, ring 0, execute/read (flat).</summary>
    public const ulong GdtCode64 = 0x00af_9b00_0000_ffff;

    /// <summary>GDT entry: 32-bit code, present, ring 0, execute/read, 4 GiB flat (PVH).</summary>
    public const ulong GdtCode32 = 0x00cf_9b00_0000_ffff;

    /// <summary>GDT entry: data, present, ring 0, read/write, 4 GiB flat.</summary>
    public const ulong GdtData = 0x00cf_9300_0000_ffff;

    /// <summary>GDT entry: 64-bit TSS, busy, present (base 0; the kernel loads its own).</summary>
    public const ulong GdtTss = 0x008f_8b00_0000_ffff;

    /// <summary>Selector of the code segment (GDT index 1).</summary>
    public const ushort CodeSelector = 0x08;

    /// <summary>Selector of the data segment (GDT index 2).</summary>
    public const ushort DataSelector = 0x10;

    /// <summary>Selector of the TSS (GDT index 3).</summary>
    public const ushort TssSelector = 0x18;

    /// <summary>The mode the vCPU starts in.</summary>
    public required X86BootMode Mode { get; init; }

    /// <summary>Instruction pointer: the kernel's entry point.</summary>
    public required ulong Rip { get; init; }

    /// <summary>Stack pointer.</summary>
    public required ulong Rsp { get; init; }

    /// <summary>Frame pointer.</summary>
    public required ulong Rbp { get; init; }

    /// <summary>RSI: the zero page address (64-bit protocol), else 0.</summary>
    public required ulong Rsi { get; init; }

    /// <summary>RBX: the <c>hvm_start_info</c> address (PVH), else 0.</summary>
    public required ulong Rbx { get; init; }

    /// <summary>RFLAGS (0x2: only the always-one bit; interrupts off).</summary>
    public ulong Rflags { get; init; } = 0x2;

    /// <summary>CR0.</summary>
    public required ulong Cr0 { get; init; }

    /// <summary>CR3: the PML4 address in long mode, else 0.</summary>
    public required ulong Cr3 { get; init; }

    /// <summary>CR4.</summary>
    public required ulong Cr4 { get; init; }

    /// <summary>EFER.</summary>
    public required ulong Efer { get; init; }

    /// <summary>CS.</summary>
    public required SegmentRegister Cs { get; init; }

    /// <summary>DS, ES, FS, GS and SS (all the flat data segment).</summary>
    public required SegmentRegister Data { get; init; }

    /// <summary>TR.</summary>
    public required SegmentRegister Tr { get; init; }

    /// <summary>GDTR.</summary>
    public required DescriptorTableRegister Gdt { get; init; }

    /// <summary>IDTR.</summary>
    public required DescriptorTableRegister Idt { get; init; }

    /// <summary>
    /// Writes the GDT (null, code64, data, TSS), an empty IDT and page tables identity-mapping the
    /// first 4 GiB with 2 MiB pages, and returns the long-mode state for the 64-bit boot protocol.
    /// </summary>
    /// <param name="memory">Guest memory; the structures go to <see cref="BootLayout"/>'s addresses.</param>
    /// <param name="entry">The kernel's 64-bit entry point.</param>
    /// <param name="zeroPage">Where the zero page is (passed in RSI).</param>
    /// <exception cref="BootConfigurationException">The tables do not fit in guest memory.</exception>
    public static X86BootState CreateLongMode(GuestMemory memory, GuestAddress entry, GuestAddress zeroPage)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ulong[] gdt = [0, GdtCode64, GdtData, GdtTss];
        WriteGdtAndIdt(memory, gdt);
        WritePageTables(memory);
        return new X86BootState
        {
            Mode = X86BootMode.LongMode,
            Rip = entry.Value,
            Rsp = BootLayout.StackPointer.Value,
            Rbp = BootLayout.StackPointer.Value,
            Rsi = zeroPage.Value,
            Rbx = 0,
            Cr0 = Cr0ProtectionEnable | Cr0ExtensionType | Cr0Paging,
            Cr3 = BootLayout.Pml4.Value,
            Cr4 = Cr4Pae,
            Efer = EferLongModeEnable | EferLongModeActive,
            Cs = SegmentRegister.FromGdtEntry(GdtCode64, CodeSelector),
            Data = SegmentRegister.FromGdtEntry(GdtData, DataSelector),
            Tr = SegmentRegister.FromGdtEntry(GdtTss, TssSelector),
            Gdt = new DescriptorTableRegister(BootLayout.Gdt.Value, (ushort)((gdt.Length * 8) - 1)),
            Idt = new DescriptorTableRegister(BootLayout.Idt.Value, 7),
        };
    }

    /// <summary>
    /// Writes the GDT (null, flat 32-bit code, data, TSS) and an empty IDT and returns the PVH state:
    /// 32-bit protected mode, paging off, EBX = <paramref name="startInfo"/>.
    /// </summary>
    /// <exception cref="BootConfigurationException">The tables do not fit in guest memory.</exception>
    public static X86BootState CreatePvh(GuestMemory memory, GuestAddress entry, GuestAddress startInfo)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (entry.Value > uint.MaxValue || startInfo.Value > uint.MaxValue)
        {
            throw new BootConfigurationException($"PVH: entry {entry} and start info {startInfo} must be below 4 GiB.");
        }

        ulong[] gdt = [0, GdtCode32, GdtData, GdtTss];
        WriteGdtAndIdt(memory, gdt);
        return new X86BootState
        {
            Mode = X86BootMode.ProtectedMode,
            Rip = entry.Value,
            Rsp = BootLayout.StackPointer.Value,
            Rbp = BootLayout.StackPointer.Value,
            Rsi = 0,
            Rbx = startInfo.Value,
            Cr0 = Cr0ProtectionEnable | Cr0ExtensionType,
            Cr3 = 0,
            Cr4 = 0,
            Efer = 0,
            Cs = SegmentRegister.FromGdtEntry(GdtCode32, CodeSelector),
            Data = SegmentRegister.FromGdtEntry(GdtData, DataSelector),
            Tr = SegmentRegister.FromGdtEntry(GdtTss, TssSelector),
            Gdt = new DescriptorTableRegister(BootLayout.Gdt.Value, (ushort)((gdt.Length * 8) - 1)),
            Idt = new DescriptorTableRegister(BootLayout.Idt.Value, 7),
        };
    }

    private static void WriteGdtAndIdt(GuestMemory memory, ulong[] gdt)
    {
        Span<byte> table = stackalloc byte[gdt.Length * 8];
        for (int i = 0; i < gdt.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(table[(i * 8)..], gdt[i]);
        }

        Put(memory, BootLayout.Gdt, table, "GDT");
        Put(memory, BootLayout.Idt, stackalloc byte[8], "IDT");
    }

    private static void WritePageTables(GuestMemory memory)
    {
        // PML4[0] -> PDPT; PDPT[i] -> PD i; PD i maps [i GiB, i+1 GiB) with 2 MiB pages.
        const ulong present = 0x1, writable = 0x2, pageSize = 0x80;
        Span<byte> page = stackalloc byte[4096];
        page.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(page, BootLayout.Pdpt.Value | present | writable);
        Put(memory, BootLayout.Pml4, page, "PML4");
        page.Clear();
        for (int i = 0; i < BootLayout.PageDirectoryCount; i++)
        {
            ulong pd = BootLayout.PageDirectories.Value + ((ulong)i * 4096);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(page[(i * 8)..], pd | present | writable);
        }

        Put(memory, BootLayout.Pdpt, page, "PDPT");
        for (int i = 0; i < BootLayout.PageDirectoryCount; i++)
        {
            for (int j = 0; j < 512; j++)
            {
                ulong address = ((ulong)i << 30) | ((ulong)j << 21);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(page[(j * 8)..], address | present | writable | pageSize);
            }

            Put(memory, BootLayout.PageDirectories + ((ulong)i * 4096), page, "page directory");
        }
    }

    private static void Put(GuestMemory memory, GuestAddress address, ReadOnlySpan<byte> bytes, string what)
    {
        if (!memory.TryWrite(address, bytes))
        {
            throw new BootConfigurationException($"{what} at {address}+0x{bytes.Length:x} is outside guest memory.");
        }
    }
}
