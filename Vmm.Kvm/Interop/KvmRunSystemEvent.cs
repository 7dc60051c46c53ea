using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_run.system_event</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRunSystemEvent
{
    internal uint Type;
    internal uint Ndata;
    internal ulong Data0;
}
