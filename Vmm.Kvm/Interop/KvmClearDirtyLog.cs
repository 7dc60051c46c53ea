using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_clear_dirty_log</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmClearDirtyLog
{
    internal uint Slot;
    internal uint NumPages;
    internal ulong FirstPage;
    internal ulong DirtyBitmap;
}
