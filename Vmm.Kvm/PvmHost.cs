namespace Vmm.Kvm;

/// <summary>Detects a PVM host (KVM provided by the <c>kvm_pvm</c> module, CPL0 guest code emulated).</summary>
public static class PvmHost
{
    /// <summary>Where the module appears when loaded.</summary>
    public const string ModulePath = "/sys/module/kvm_pvm";

    private static readonly Lazy<bool> Cached = new(() => Detect(ModulePath));

    /// <summary>Whether this host's KVM is PVM (cached).</summary>
    public static bool IsPvm => Cached.Value;

    /// <summary>Whether a PVM module directory exists at <paramref name="modulePath"/>.</summary>
    /// <param name="modulePath">Path to probe (for tests).</param>
    /// <returns>True when it exists.</returns>
    public static bool Detect(string modulePath) => Directory.Exists(modulePath);
}
