using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>General-purpose registers of a vCPU. Mirrors <c>kvm_regs</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Registers
{
    /// <summary>RAX.</summary>
    public ulong Rax;

    /// <summary>RBX.</summary>
    public ulong Rbx;

    /// <summary>RCX.</summary>
    public ulong Rcx;

    /// <summary>RDX.</summary>
    public ulong Rdx;

    /// <summary>RSI.</summary>
    public ulong Rsi;

    /// <summary>RDI.</summary>
    public ulong Rdi;

    /// <summary>RSP.</summary>
    public ulong Rsp;

    /// <summary>RBP.</summary>
    public ulong Rbp;

    /// <summary>R8.</summary>
    public ulong R8;

    /// <summary>R9.</summary>
    public ulong R9;

    /// <summary>R10.</summary>
    public ulong R10;

    /// <summary>R11.</summary>
    public ulong R11;

    /// <summary>R12.</summary>
    public ulong R12;

    /// <summary>R13.</summary>
    public ulong R13;

    /// <summary>R14.</summary>
    public ulong R14;

    /// <summary>R15.</summary>
    public ulong R15;

    /// <summary>RIP.</summary>
    public ulong Rip;

    /// <summary>RFLAGS.</summary>
    public ulong Rflags;
}
