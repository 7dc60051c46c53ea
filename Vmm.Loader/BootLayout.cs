using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// The guest-physical layout of the boot structures, the usual micro-VM layout (as Firecracker and
/// Cloud Hypervisor use): everything below 1 MiB except the kernel, with the legacy BIOS area reserved.
/// </summary>
/// <remarks>
/// <code>
/// 0x00500  GDT (4 entries)             0x00520  IDT (empty)
/// 0x06000  PVH hvm_start_info          0x06040  PVH module list   0x06100  PVH memory map
/// 0x07000  zero page (boot_params)     0x08ff0  initial stack pointer (grows down)
/// 0x09000  PML4   0x0a000  PDPT   0x0b000–0x0efff  4 page directories (identity map of 4 GiB, 2 MiB pages)
/// 0x20000  kernel command line (up to 64 KiB)
/// 0x9fc00  EBDA: MP floating pointer + MP configuration table (reserved in E820)
/// 0xe0000  ACPI RSDP and tables (BIOS area, where Linux scans for the RSDP; reserved in E820)
/// 0x100000 bzImage protected-mode code; ELF vmlinux segments at their p_paddr (16 MiB for Linux)
/// 0xc0000000–0xffffffff  32-bit MMIO gap (no RAM): boot timer at 0xc0000000, virtio-mmio from 0xd0000000, IOAPIC 0xfec00000, local APIC 0xfee00000
/// </code>
/// </remarks>
public static class BootLayout
{
    /// <summary>Global descriptor table.</summary>
    public static readonly GuestAddress Gdt = new(0x500);

    /// <summary>Interrupt descriptor table (empty: limit 0 until the kernel loads its own).</summary>
    public static readonly GuestAddress Idt = new(0x520);

    /// <summary>PVH <c>hvm_start_info</c>.</summary>
    public static readonly GuestAddress PvhStartInfo = new(0x6000);

    /// <summary>PVH module list (<c>hvm_modlist_entry</c>[]).</summary>
    public static readonly GuestAddress PvhModuleList = new(0x6040);

    /// <summary>PVH memory map (<c>hvm_memmap_table_entry</c>[], up to 128).</summary>
    public static readonly GuestAddress PvhMemoryMap = new(0x6100);

    /// <summary>The Linux zero page (<c>struct boot_params</c>).</summary>
    public static readonly GuestAddress ZeroPage = new(0x7000);

    /// <summary>The initial stack pointer (RSP and RBP).</summary>
    public static readonly GuestAddress StackPointer = new(0x8ff0);

    /// <summary>Page map level 4.</summary>
    public static readonly GuestAddress Pml4 = new(0x9000);

    /// <summary>Page directory pointer table.</summary>
    public static readonly GuestAddress Pdpt = new(0xa000);

    /// <summary>The first of <see cref="PageDirectoryCount"/> page directories.</summary>
    public static readonly GuestAddress PageDirectories = new(0xb000);

    /// <summary>How many page directories (each maps 1 GiB with 2 MiB pages).</summary>
    public const int PageDirectoryCount = 4;

    /// <summary>The kernel command line.</summary>
    public static readonly GuestAddress CommandLine = new(0x20000);

    /// <summary>The most bytes reserved for the command line (including its NUL).</summary>
    public const int CommandLineMaximumSize = 0x10000;

    /// <summary>The MP floating pointer structure and configuration table (start of the EBDA).</summary>
    public static readonly GuestAddress MpTable = new(E820MapBuilder.ConventionalMemoryEnd);

    /// <summary>The ACPI RSDP (in the BIOS area 0xe0000–0xfffff that Linux scans); the other tables follow it.</summary>
    public static readonly GuestAddress AcpiTables = new(0xe0000);

    /// <summary>The end of the area the ACPI tables may use.</summary>
    public static readonly GuestAddress AcpiTablesEnd = new(0x100000);

    /// <summary>The start of high memory (1 MiB), where a bzImage's protected-mode code goes.</summary>
    public static readonly GuestAddress HighMemory = new(E820MapBuilder.HighMemoryStart);

    /// <summary>The start of the 32-bit MMIO gap (3 GiB): no RAM from here to 4 GiB.</summary>
    public const ulong Mmio32GapStart = 0xc000_0000;

    /// <summary>The end of the 32-bit MMIO gap (4 GiB).</summary>
    public const ulong Mmio32GapEnd = 0x1_0000_0000;

    /// <summary>The IOAPIC's MMIO base.</summary>
    public const uint IoApicAddress = 0xfec0_0000;

    /// <summary>The local APIC's MMIO base.</summary>
    public const uint LocalApicAddress = 0xfee0_0000;

    /// <summary>
    /// The guest RAM ranges for <paramref name="ramSize"/> bytes of RAM: one range from 0, split
    /// around the 32-bit MMIO gap when the RAM reaches it (the rest continues at 4 GiB).
    /// </summary>
    public static GuestRange[] RamRanges(ulong ramSize)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ramSize);
        if (ramSize <= Mmio32GapStart)
        {
            return [new GuestRange(GuestAddress.Zero, ramSize)];
        }

        ulong above = ramSize - Mmio32GapStart;
        if (above > ulong.MaxValue - Mmio32GapEnd + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ramSize), "RAM size does not fit the 64-bit address space above the MMIO gap.");
        }

        return [new GuestRange(GuestAddress.Zero, Mmio32GapStart), new GuestRange(new GuestAddress(Mmio32GapEnd), above)];
    }
}
