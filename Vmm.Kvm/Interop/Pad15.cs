using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>15 reserved bytes.</summary>
[InlineArray(15)]
internal struct Pad15
{
    private byte _element;
}
