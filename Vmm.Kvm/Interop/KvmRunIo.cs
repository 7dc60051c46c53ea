using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run.io</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRunIo
{
    internal byte Direction;
    internal byte Size;
    internal ushort Port;
    internal uint Count;
    internal ulong DataOffset;
}
