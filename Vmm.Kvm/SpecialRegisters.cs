using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>Segment, control and descriptor-table registers of a vCPU. Mirrors <c>kvm_sregs</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SpecialRegisters
{
    /// <summary>CS.</summary>
    public Segment Cs;

    /// <summary>DS.</summary>
    public Segment Ds;

    /// <summary>ES.</summary>
    public Segment Es;

    /// <summary>FS.</summary>
    public Segment Fs;

    /// <summary>GS.</summary>
    public Segment Gs;

    /// <summary>SS.</summary>
    public Segment Ss;

    /// <summary>TR.</summary>
    public Segment Tr;

    /// <summary>LDT.</summary>
    public Segment Ldt;

    /// <summary>GDTR.</summary>
    public DescriptorTable Gdt;

    /// <summary>IDTR.</summary>
    public DescriptorTable Idt;

    /// <summary>CR0.</summary>
    public ulong Cr0;

    /// <summary>CR2.</summary>
    public ulong Cr2;

    /// <summary>CR3.</summary>
    public ulong Cr3;

    /// <summary>CR4.</summary>
    public ulong Cr4;

    /// <summary>CR8.</summary>
    public ulong Cr8;

    /// <summary>IA32_EFER.</summary>
    public ulong Efer;

    /// <summary>IA32_APIC_BASE.</summary>
    public ulong ApicBase;

    /// <summary>Pending external interrupts (one bit per vector).</summary>
    public InterruptBitmap InterruptBitmap;
}
