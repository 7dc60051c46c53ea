using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>A descriptor-table register (GDTR/IDTR). Mirrors <c>kvm_dtable</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DescriptorTable
{
    /// <summary>Base address.</summary>
    public ulong Base;

    /// <summary>Limit.</summary>
    public ushort Limit;

    /// <summary>Reserved.</summary>
    public ushort Padding0;

    /// <summary>Reserved.</summary>
    public ushort Padding1;

    /// <summary>Reserved.</summary>
    public ushort Padding2;
}
