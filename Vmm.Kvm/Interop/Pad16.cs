using System.Runtime.CompilerServices;

namespace Vmm.Kvm.Interop;

/// <summary>16 reserved bytes.</summary>
[InlineArray(16)]
internal struct Pad16
{
    private byte _element;
}
