using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>64 reserved bytes.</summary>
[InlineArray(64)]
internal struct Pad64
{
    private byte _element;
}
