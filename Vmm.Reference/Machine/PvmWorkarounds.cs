namespace Vmm.Reference.Machine;

/// <summary>
/// What a Linux guest needs on a PVM host (nested, no VT-x), where guest CPUID at CPL0 is the host's
/// whatever KVM_SET_CPUID2 says: features the host's emulator cannot handle are turned off on the
/// kernel command line (SMAP's clac/stac, XSAVE's xrstor, cmpxchg16b), and timing checks that the
/// slow emulated kernel would fail are skipped. The instructions that still fail (int3, popcnt,
/// fwait) are completed by <see cref="Vmm.Kvm.EmulationFallback"/>.
/// </summary>
internal static class PvmWorkarounds
{
    public static readonly string[] CommandLine =
    [
        "nosmap",
        "noxsave",
        "clearcpuid=smap,cx16",
        "tsc=reliable",
        "no_timer_check",
        "rodata=off",
    ];
}
