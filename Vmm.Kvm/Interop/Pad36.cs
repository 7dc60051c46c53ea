using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>36 reserved bytes.</summary>
[InlineArray(36)]
internal struct Pad36
{
    private byte _element;
}
