using System.Buffers.Binary;
using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// The PVH boot information (<c>struct hvm_start_info</c>, version 1) with its memory map
/// (<c>hvm_memmap_table_entry</c>[]) and module list (<c>hvm_modlist_entry</c>[]), passed in EBX to
/// a kernel that has the <c>XEN_ELFNOTE_PHYS32_ENTRY</c> note.
/// </summary>
public sealed class PvhStartInfo
{
    /// <summary>The <c>hvm_start_info</c> magic ("xEn3" with the top bit clear).</summary>
    public const uint Magic = 0x336ec578;

    /// <summary>The size of <c>hvm_start_info</c>.</summary>
    public const int StartInfoSize = 56;

    /// <summary>The size of one <c>hvm_modlist_entry</c>.</summary>
    public const int ModuleEntrySize = 32;

    /// <summary>The size of one <c>hvm_memmap_table_entry</c>.</summary>
    public const int MemoryMapEntrySize = 24;

    /// <summary>The most modules this writer places (they must fit between the module list and the memory map).</summary>
    public const int MaximumModules = 6;

    /// <summary>Creates start info for a memory map.</summary>
    public PvhStartInfo(E820Map memoryMap)
    {
        ArgumentNullException.ThrowIfNull(memoryMap);
        MemoryMap = memoryMap;
    }

    /// <summary>The memory map (same entries as the E820 map).</summary>
    public E820Map MemoryMap { get; }

    /// <summary>The kernel command line's address, or zero for none.</summary>
    public GuestAddress CommandLine { get; set; }

    /// <summary>The ACPI RSDP address, or zero (the kernel then scans for it).</summary>
    public GuestAddress Rsdp { get; set; }

    /// <summary>The modules (the initrd first).</summary>
    public IList<PvhModule> Modules { get; } = [];

    /// <summary>
    /// Writes the start info at <see cref="BootLayout.PvhStartInfo"/>, the module list at
    /// <see cref="BootLayout.PvhModuleList"/> and the memory map at <see cref="BootLayout.PvhMemoryMap"/>.
    /// </summary>
    /// <returns>The start info's address (for EBX).</returns>
    /// <exception cref="BootConfigurationException">Too many modules, or the structures are outside guest memory.</exception>
    public GuestAddress Write(GuestMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (Modules.Count > MaximumModules)
        {
            throw new BootConfigurationException($"PVH: {Modules.Count} modules exceed the {MaximumModules} the layout holds.");
        }

        var modules = new byte[Modules.Count * ModuleEntrySize];
        for (int i = 0; i < Modules.Count; i++)
        {
            var slot = modules.AsSpan(i * ModuleEntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(slot, Modules[i].Address.Value);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[8..], Modules[i].Size);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[16..], Modules[i].CommandLine.Value);
        }

        var map = new byte[MemoryMap.Entries.Count * MemoryMapEntrySize];
        for (int i = 0; i < MemoryMap.Entries.Count; i++)
        {
            var e = MemoryMap.Entries[i];
            var slot = map.AsSpan(i * MemoryMapEntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(slot, e.Address);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[8..], e.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[16..], (uint)e.Type);
        }

        var info = new byte[StartInfoSize];
        var s = info.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 1); // version 1: memmap fields present
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], (uint)Modules.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], Modules.Count > 0 ? BootLayout.PvhModuleList.Value : 0);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], CommandLine.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], Rsdp.Value);
        BinaryPrimitives.WriteUInt64LittleEndian(s[40..], BootLayout.PvhMemoryMap.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(s[48..], (uint)MemoryMap.Entries.Count);
        Put(memory, BootLayout.PvhModuleList, modules);
        Put(memory, BootLayout.PvhMemoryMap, map);
        Put(memory, BootLayout.PvhStartInfo, info);
        return BootLayout.PvhStartInfo;
    }

    private static void Put(GuestMemory memory, GuestAddress address, ReadOnlySpan<byte> bytes)
    {
        if (!memory.TryWrite(address, bytes))
        {
            throw new BootConfigurationException($"PVH: structure at {address}+0x{bytes.Length:x} is outside guest memory.");
        }
    }
}
