using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>128 reserved bytes.</summary>
[InlineArray(16)]
public struct Reserved128
{
    private ulong _element;
}
