using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>Up to 16 XCRs in <see cref="ExtendedControlRegisters"/>.</summary>
[InlineArray(16)]
public struct ExtendedControlRegisterArray
{
    private ExtendedControlRegister _element;
}
