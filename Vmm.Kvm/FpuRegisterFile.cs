using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>The eight 16-byte x87 register slots of <see cref="FpuState"/>.</summary>
[InlineArray(128)]
public struct FpuRegisterFile
{
    private byte _element;
}
