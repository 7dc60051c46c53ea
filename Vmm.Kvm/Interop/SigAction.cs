using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>glibc's struct sigaction on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SigAction
{
    internal nint Handler;
    internal SigSet Mask;
    internal int Flags;
    internal nint Restorer;
}
