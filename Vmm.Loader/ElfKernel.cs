using System.Buffers.Binary;
using System.Collections.ObjectModel;
using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// An ELF64 x86-64 kernel (<c>vmlinux</c>): its loadable segments, entry point and, when present,
/// the Xen PVH 32-bit entry point. <see cref="Parse"/> checks every header field and offset against
/// the file with overflow-safe arithmetic; <see cref="Load"/> checks every segment against guest
/// memory before writing any byte.
/// </summary>
public sealed class ElfKernel
{
    /// <summary>The ELF note type of the PVH entry point (<c>XEN_ELFNOTE_PHYS32_ENTRY</c>).</summary>
    public const uint XenElfNotePhys32Entry = 18;

    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const uint PtLoad = 1;
    private const uint PtNote = 4;
    private const ushort EtExec = 2;
    private const ushort EmX86_64 = 62;

    private readonly ReadOnlyMemory<byte> _image;

    private ElfKernel(ReadOnlyMemory<byte> image, ElfSegment[] segments, GuestAddress entry, GuestAddress? pvhEntry)
    {
        _image = image;
        Segments = new ReadOnlyCollection<ElfSegment>(segments);
        Entry = entry;
        PvhEntry = pvhEntry;
        ulong low = ulong.MaxValue, high = 0;
        foreach (var s in segments)
        {
            low = Math.Min(low, s.PhysicalAddress);
            high = Math.Max(high, s.PhysicalAddress + s.MemorySize);
        }

        Footprint = new GuestRange(new GuestAddress(low), high - low);
    }

    /// <summary>The <c>PT_LOAD</c> segments, sorted by physical address, none overlapping.</summary>
    public IReadOnlyList<ElfSegment> Segments { get; }

    /// <summary>
    /// The physical entry point. Linux links <c>e_entry</c> as the physical address of <c>startup_64</c>;
    /// an entry given as a virtual address inside a segment is translated through that segment.
    /// </summary>
    public GuestAddress Entry { get; }

    /// <summary>The 32-bit PVH entry point (<c>XEN_ELFNOTE_PHYS32_ENTRY</c> in a <c>PT_NOTE</c> named "Xen"), or null.</summary>
    public GuestAddress? PvhEntry { get; }

    /// <summary>The physical range from the lowest segment start to the highest segment end.</summary>
    public GuestRange Footprint { get; }

    /// <summary>Parses and validates an ELF64 little-endian x86-64 executable.</summary>
    /// <param name="image">The whole file; it is referenced, not copied, until <see cref="Load"/>.</param>
    /// <exception cref="KernelFormatException">The file is not a well-formed x86-64 ELF64 executable.</exception>
    public static ElfKernel Parse(ReadOnlyMemory<byte> image)
    {
        var span = image.Span;
        if (span.Length < HeaderSize)
        {
            throw new KernelFormatException($"ELF: file of {span.Length} bytes is shorter than the 64-byte ELF64 header.");
        }

        if (span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
        {
            throw new KernelFormatException("ELF: bad magic (not an ELF file).");
        }

        if (span[4] != 2)
        {
            throw new KernelFormatException($"ELF: class {span[4]} is not ELFCLASS64.");
        }

        if (span[5] != 1)
        {
            throw new KernelFormatException($"ELF: data encoding {span[5]} is not little-endian.");
        }

        if (span[6] != 1)
        {
            throw new KernelFormatException($"ELF: identification version {span[6]} is not 1.");
        }

        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(span[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(span[24..]);
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[54..]);
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(span[56..]);
        if (type != EtExec)
        {
            throw new KernelFormatException($"ELF: type {type} is not ET_EXEC.");
        }

        if (machine != EmX86_64)
        {
            throw new KernelFormatException($"ELF: machine {machine} is not x86-64 (62).");
        }

        if (version != 1)
        {
            throw new KernelFormatException($"ELF: version {version} is not 1.");
        }

        if (phentsize != ProgramHeaderSize)
        {
            throw new KernelFormatException($"ELF: program header size {phentsize} is not {ProgramHeaderSize}.");
        }

        if (phnum == 0 || phnum == 0xffff)
        {
            throw new KernelFormatException($"ELF: program header count {phnum} is not supported.");
        }

        ulong tableLength = (ulong)phnum * ProgramHeaderSize;
        if (!FitsIn(phoff, tableLength, (ulong)span.Length))
        {
            throw new KernelFormatException($"ELF: program header table at 0x{phoff:x} ({tableLength} bytes) runs past the end of the {span.Length}-byte file.");
        }

        var segments = new List<ElfSegment>();
        GuestAddress? pvhEntry = null;
        for (int i = 0; i < phnum; i++)
        {
            var ph = span.Slice((int)phoff + (i * ProgramHeaderSize), ProgramHeaderSize);
            uint ptype = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(ph[4..]);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]);
            ulong paddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]);
            ulong filesz = BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            ulong memsz = BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]);
            if (ptype == PtLoad)
            {
                if (!FitsIn(offset, filesz, (ulong)span.Length))
                {
                    throw new KernelFormatException($"ELF: segment {i} file range 0x{offset:x}+0x{filesz:x} runs past the end of the {span.Length}-byte file.");
                }

                if (filesz > memsz)
                {
                    throw new KernelFormatException($"ELF: segment {i} file size 0x{filesz:x} exceeds its memory size 0x{memsz:x}.");
                }

                if (memsz == 0)
                {
                    continue;
                }

                if (memsz - 1 > ulong.MaxValue - paddr)
                {
                    throw new KernelFormatException($"ELF: segment {i} at 0x{paddr:x}+0x{memsz:x} wraps the physical address space.");
                }

                if (memsz - 1 > ulong.MaxValue - vaddr)
                {
                    throw new KernelFormatException($"ELF: segment {i} at virtual 0x{vaddr:x}+0x{memsz:x} wraps the address space.");
                }

                segments.Add(new ElfSegment(offset, vaddr, paddr, filesz, memsz, flags));
            }
            else if (ptype == PtNote)
            {
                if (!FitsIn(offset, filesz, (ulong)span.Length))
                {
                    throw new KernelFormatException($"ELF: note segment {i} at 0x{offset:x}+0x{filesz:x} runs past the end of the file.");
                }

                pvhEntry ??= FindPvhEntry(span.Slice((int)offset, (int)filesz));
            }
        }

        if (segments.Count == 0)
        {
            throw new KernelFormatException("ELF: no loadable segment.");
        }

        segments.Sort((a, b) => a.PhysicalAddress.CompareTo(b.PhysicalAddress));
        for (int i = 1; i < segments.Count; i++)
        {
            var prev = segments[i - 1];
            if (segments[i].PhysicalAddress - prev.PhysicalAddress < prev.MemorySize)
            {
                throw new KernelFormatException($"ELF: segments at 0x{prev.PhysicalAddress:x} and 0x{segments[i].PhysicalAddress:x} overlap.");
            }
        }

        return new ElfKernel(image, [.. segments], TranslateEntry(entry, segments), pvhEntry);
    }

    /// <summary>
    /// Copies every segment to its physical address and zeroes its BSS. All segments are checked
    /// against <paramref name="memory"/> first, so a kernel that does not fit writes nothing.
    /// </summary>
    /// <exception cref="BootConfigurationException">A segment lies outside guest memory.</exception>
    public LoadedKernel Load(GuestMemory memory) => LoadAs(memory, KernelImageKind.ElfVmlinux, null);

    internal LoadedKernel LoadAs(GuestMemory memory, KernelImageKind kind, SetupHeader? header)
    {
        ArgumentNullException.ThrowIfNull(memory);
        foreach (var s in Segments)
        {
            if (!memory.IsValidRange(new GuestAddress(s.PhysicalAddress), s.MemorySize))
            {
                throw new BootConfigurationException($"Kernel segment 0x{s.PhysicalAddress:x}+0x{s.MemorySize:x} does not fit in guest memory ({memory}).");
            }
        }

        var span = _image.Span;
        foreach (var s in Segments)
        {
            var address = new GuestAddress(s.PhysicalAddress);
            ulong copied = 0;
            while (copied < s.FileSize)
            {
                int chunk = (int)Math.Min(s.FileSize - copied, 1 << 30);
                memory.Write(address + copied, span.Slice((int)(s.FileOffset + copied), chunk));
                copied += (ulong)chunk;
            }

            if (s.MemorySize > s.FileSize)
            {
                memory.Fill(address + s.FileSize, s.MemorySize - s.FileSize, 0);
            }
        }

        return new LoadedKernel(kind, Footprint, Entry, PvhEntry, header);
    }

    private static GuestAddress TranslateEntry(ulong entry, List<ElfSegment> segments)
    {
        foreach (var s in segments)
        {
            if (entry - s.PhysicalAddress < s.MemorySize)
            {
                return new GuestAddress(entry);
            }
        }

        foreach (var s in segments)
        {
            if (entry - s.VirtualAddress < s.MemorySize)
            {
                return new GuestAddress(s.PhysicalAddress + (entry - s.VirtualAddress));
            }
        }

        throw new KernelFormatException($"ELF: entry point 0x{entry:x} is outside every loadable segment.");
    }

    private static GuestAddress? FindPvhEntry(ReadOnlySpan<byte> notes)
    {
        // Elf64_Nhdr: namesz, descsz, type (4 bytes each); name and desc padded to 4 bytes.
        int pos = 0;
        while (notes.Length - pos >= 12)
        {
            uint namesz = BinaryPrimitives.ReadUInt32LittleEndian(notes[pos..]);
            uint descsz = BinaryPrimitives.ReadUInt32LittleEndian(notes[(pos + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[(pos + 8)..]);
            ulong nameStart = (ulong)pos + 12;
            ulong descStart = nameStart + Align4(namesz);
            ulong next = descStart + Align4(descsz);
            if (next > (ulong)notes.Length)
            {
                throw new KernelFormatException($"ELF: note at offset {pos} (name {namesz} bytes, desc {descsz} bytes) runs past its segment.");
            }

            var name = notes.Slice((int)nameStart, (int)namesz);
            if (type == XenElfNotePhys32Entry && name.SequenceEqual("Xen\0"u8))
            {
                var desc = notes.Slice((int)descStart, (int)descsz);
                ulong value = descsz switch
                {
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(desc),
                    8 => BinaryPrimitives.ReadUInt64LittleEndian(desc),
                    _ => throw new KernelFormatException($"ELF: PVH entry note has a {descsz}-byte descriptor (expected 4 or 8)."),
                };
                if (value > uint.MaxValue)
                {
                    throw new KernelFormatException($"ELF: PVH entry 0x{value:x} is not a 32-bit physical address.");
                }

                return new GuestAddress(value);
            }

            pos = (int)next;
        }

        return null;
    }

    private static ulong Align4(uint value) => ((ulong)value + 3) & ~3UL;

    private static bool FitsIn(ulong offset, ulong length, ulong total) => offset <= total && length <= total - offset;
}
