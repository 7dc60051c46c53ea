using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>glibc sigset_t (1024 bits).</summary>
[InlineArray(16)]
internal struct SigSet
{
    private ulong _element;
}
