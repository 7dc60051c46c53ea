using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>256 reserved bytes.</summary>
[InlineArray(256)]
internal struct Pad256
{
    private byte _element;
}
