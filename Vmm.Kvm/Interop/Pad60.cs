using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>60 reserved bytes.</summary>
[InlineArray(60)]
internal struct Pad60
{
    private byte _element;
}
