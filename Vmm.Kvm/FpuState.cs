using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>x87 and SSE state of a vCPU. Mirrors <c>kvm_fpu</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FpuState
{
    /// <summary>x87 registers (16 bytes each).</summary>
    public FpuRegisterFile Fpr;

    /// <summary>Control word.</summary>
    public ushort Fcw;

    /// <summary>Status word.</summary>
    public ushort Fsw;

    /// <summary>Abridged tag word.</summary>
    public byte Ftwx;

    /// <summary>Reserved.</summary>
    public byte Pad1;

    /// <summary>Last opcode.</summary>
    public ushort LastOpcode;

    /// <summary>Last instruction pointer.</summary>
    public ulong LastIp;

    /// <summary>Last data pointer.</summary>
    public ulong LastDp;

    /// <summary>XMM registers.</summary>
    public XmmRegisterFile Xmm;

    /// <summary>MXCSR.</summary>
    public uint Mxcsr;

    /// <summary>Reserved.</summary>
    public uint Pad2;
}
