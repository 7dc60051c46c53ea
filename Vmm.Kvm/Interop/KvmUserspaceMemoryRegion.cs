using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_userspace_memory_region</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmUserspaceMemoryRegion
{
    internal uint Slot;
    internal uint Flags;
    internal ulong GuestPhysAddr;
    internal ulong MemorySize;
    internal ulong UserspaceAddr;
}
