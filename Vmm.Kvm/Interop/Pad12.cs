using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>12 reserved bytes.</summary>
[InlineArray(12)]
internal struct Pad12
{
    private byte _element;
}
