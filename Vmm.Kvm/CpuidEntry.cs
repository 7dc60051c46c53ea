using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>One CPUID leaf/subleaf result. Mirrors <c>kvm_cpuid_entry2</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct CpuidEntry
{
    /// <summary>Leaf (EAX input).</summary>
    public uint Function;

    /// <summary>Subleaf (ECX input).</summary>
    public uint Index;

    /// <summary>KVM_CPUID_FLAG_* flags.</summary>
    public uint Flags;

    /// <summary>EAX.</summary>
    public uint Eax;

    /// <summary>EBX.</summary>
    public uint Ebx;

    /// <summary>ECX.</summary>
    public uint Ecx;

    /// <summary>EDX.</summary>
    public uint Edx;

    /// <summary>Reserved.</summary>
    public uint Padding0;

    /// <summary>Reserved.</summary>
    public uint Padding1;

    /// <summary>Reserved.</summary>
    public uint Padding2;
}
