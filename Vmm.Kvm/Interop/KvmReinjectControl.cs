using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_reinject_control</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmReinjectControl
{
    internal byte PitReinject;
    internal Pad31 Reserved;
}
