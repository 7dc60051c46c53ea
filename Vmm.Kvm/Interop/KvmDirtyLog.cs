using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_dirty_log</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmDirtyLog
{
    internal uint Slot;
    internal uint Padding1;
    internal ulong DirtyBitmap;
}
