using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>The result of translating a guest-virtual address (KVM_TRANSLATE). Mirrors <c>kvm_translation</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Translation
{
    /// <summary>The linear address translated.</summary>
    public ulong LinearAddress;

    /// <summary>The guest-physical address.</summary>
    public ulong PhysicalAddress;

    /// <summary>1 when the translation is valid.</summary>
    public byte Valid;

    /// <summary>1 when writable.</summary>
    public byte Writeable;

    /// <summary>1 when user-accessible.</summary>
    public byte UserMode;

    /// <summary>Reserved.</summary>
    public byte Pad0;

    /// <summary>Reserved.</summary>
    public uint Pad1;
}
