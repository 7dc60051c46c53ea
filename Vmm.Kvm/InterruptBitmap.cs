using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>The 256-bit pending-interrupt bitmap in <see cref="SpecialRegisters"/>.</summary>
[InlineArray(4)]
public struct InterruptBitmap
{
    private ulong _element;
}
