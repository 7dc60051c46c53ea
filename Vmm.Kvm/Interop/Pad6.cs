using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>6 reserved bytes.</summary>
[InlineArray(6)]
internal struct Pad6
{
    private byte _element;
}
