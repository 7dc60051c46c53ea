using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>The sixteen 16-byte XMM registers of <see cref="FpuState"/>.</summary>
[InlineArray(256)]
public struct XmmRegisterFile
{
    private byte _element;
}
