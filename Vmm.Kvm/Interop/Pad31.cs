using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>31 reserved bytes.</summary>
[InlineArray(31)]
internal struct Pad31
{
    private byte _element;
}
