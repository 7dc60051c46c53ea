using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>26 reserved bytes.</summary>
[InlineArray(26)]
public struct Reserved26
{
    private byte _element;
}
