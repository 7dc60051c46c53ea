namespace Vmm.Loader;

/// <summary>
/// A segment register's hidden state as the VMM loads it (the fields of KVM's <c>kvm_segment</c>),
/// derived from a GDT entry.
/// </summary>
/// <param name="Base">Segment base.</param>
/// <param name="Limit">Byte-granular limit (already scaled by 4 KiB when <paramref name="Granularity"/> is set).</param>
/// <param name="Selector">The selector (GDT index × 8).</param>
/// <param name="Type">The 4-bit descriptor type (e.g. 0xb execute/read accessed code, 0x3 read/write accessed data, 0xb busy TSS).</param>
/// <param name="Present">P bit.</param>
/// <param name="Dpl">Descriptor privilege level.</param>
/// <param name="DefaultSize">D/B bit (32-bit default operand size).</param>
/// <param name="Segment">S bit: code/data (true) or system (false).</param>
/// <param name="Long">L bit: 64-bit code.</param>
/// <param name="Granularity">G bit: limit in 4 KiB units.</param>
/// <param name="Available">AVL bit.</param>
public readonly record struct SegmentRegister(
    ulong Base,
    uint Limit,
    ushort Selector,
    byte Type,
    bool Present,
    byte Dpl,
    bool DefaultSize,
    bool Segment,
    bool Long,
    bool Granularity,
    bool Available)
{
    /// <summary>Decodes a 64-bit GDT entry loaded through <paramref name="selector"/>.</summary>
    public static SegmentRegister FromGdtEntry(ulong entry, ushort selector)
    {
        ulong baseAddress = ((entry >> 16) & 0xff_ffff) | (((entry >> 56) & 0xff) << 24);
        uint limit = (uint)((entry & 0xffff) | (((entry >> 48) & 0xf) << 16));
        bool granularity = ((entry >> 55) & 1) != 0;
        return new SegmentRegister(
            baseAddress,
            granularity ? (limit << 12) | 0xfff : limit,
            selector,
            (byte)((entry >> 40) & 0xf),
            ((entry >> 47) & 1) != 0,
            (byte)((entry >> 45) & 3),
            ((entry >> 54) & 1) != 0,
            ((entry >> 44) & 1) != 0,
            ((entry >> 53) & 1) != 0,
            granularity,
            ((entry >> 52) & 1) != 0);
    }
}
