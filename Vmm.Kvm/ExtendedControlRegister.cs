using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>One extended control register (XCR). Mirrors <c>kvm_xcr</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ExtendedControlRegister
{
    /// <summary>XCR number.</summary>
    public uint Xcr;

    /// <summary>Reserved.</summary>
    public uint Reserved;

    /// <summary>Value.</summary>
    public ulong Value;
}
