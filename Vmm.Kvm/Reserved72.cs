using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>72 reserved bytes.</summary>
[InlineArray(9)]
public struct Reserved72
{
    private ulong _element;
}
