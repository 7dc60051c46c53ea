using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>A segment register in its cached (descriptor) form. Mirrors <c>kvm_segment</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Segment
{
    /// <summary>Base address.</summary>
    public ulong Base;

    /// <summary>Limit in bytes (already scaled by granularity).</summary>
    public uint Limit;

    /// <summary>Selector.</summary>
    public ushort Selector;

    /// <summary>Type field (4 bits).</summary>
    public byte Type;

    /// <summary>Present bit.</summary>
    public byte Present;

    /// <summary>Descriptor privilege level.</summary>
    public byte Dpl;

    /// <summary>D/B bit.</summary>
    public byte DefaultSize;

    /// <summary>S bit: 1 for code/data, 0 for system segments.</summary>
    public byte System;

    /// <summary>L bit: 64-bit code segment.</summary>
    public byte Long;

    /// <summary>G bit.</summary>
    public byte Granularity;

    /// <summary>AVL bit.</summary>
    public byte Available;

    /// <summary>Unusable (null) segment.</summary>
    public byte Unusable;

    /// <summary>Reserved.</summary>
    public byte Padding;
}
