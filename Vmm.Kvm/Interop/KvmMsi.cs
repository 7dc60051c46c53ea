using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Mirrors <c>kvm_msi</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmMsi
{
    internal uint AddressLo;
    internal uint AddressHi;
    internal uint Data;
    internal uint Flags;
    internal uint DevId;
    internal Pad12 Pad;
}
