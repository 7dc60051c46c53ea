using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>One model-specific register value. Mirrors <c>kvm_msr_entry</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct MsrEntry
{
    /// <summary>MSR index.</summary>
    public uint Index;

    /// <summary>Reserved.</summary>
    public uint Reserved;

    /// <summary>Value.</summary>
    public ulong Data;

    /// <summary>Creates an entry.</summary>
    /// <param name="index">MSR index.</param>
    /// <param name="data">Value.</param>
    public MsrEntry(uint index, ulong data)
    {
        Index = index;
        Reserved = 0;
        Data = data;
    }

}
