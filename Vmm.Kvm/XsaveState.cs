using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>The XSAVE area of a vCPU (4 KiB form). Mirrors <c>kvm_xsave</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct XsaveState
{
    /// <summary>XSAVE image.</summary>
    public XsaveRegion Region;
}
