using System.Runtime.CompilerServices;

namespace Vmm.Kvm;

/// <summary>The 1 KiB local APIC register page of <see cref="LapicState"/>.</summary>
[InlineArray(1024)]
public struct LapicRegisterPage
{
    private byte _element;
}
