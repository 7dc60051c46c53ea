using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>The 4 KiB legacy XSAVE area of <see cref="XsaveState"/>.</summary>
[InlineArray(1024)]
public struct XsaveRegion
{
    private uint _element;
}
