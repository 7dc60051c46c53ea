using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>16 reserved bytes.</summary>
[InlineArray(4)]
public struct Reserved16
{
    private uint _element;
}
