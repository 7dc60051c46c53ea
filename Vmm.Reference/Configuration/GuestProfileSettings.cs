using System.Globalization;

namespace Vmm.Reference.Configuration;

/// <summary>
/// The guest RIP sampling profiler's settings (a diagnostic for guest boot time): <c>VMM_PROFILE_GUEST=FILE</c> turns it
/// on, <c>VMM_PROFILE_VCPU=N</c> picks the sampled vCPU (default 0).
/// </summary>
/// <param name="OutputPath">Where the samples go (one hexadecimal RIP per line).</param>
/// <param name="Vcpu">The vCPU sampled.</param>
internal sealed record GuestProfileSettings(string OutputPath, int Vcpu)
{
    public const string PathVariable = "VMM_PROFILE_GUEST";
    public const string VcpuVariable = "VMM_PROFILE_VCPU";

    /// <summary>The settings from the environment, or null when profiling is off.</summary>
    /// <exception cref="FormatException"><c>VMM_PROFILE_VCPU</c> is not a non-negative integer.</exception>
    public static GuestProfileSettings? FromEnvironment(Func<string, string?> getVariable)
    {
        string? path = getVariable(PathVariable);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string? vcpuText = getVariable(VcpuVariable);
        int vcpu = 0;
        if (!string.IsNullOrEmpty(vcpuText) && (!int.TryParse(vcpuText, NumberStyles.None, CultureInfo.InvariantCulture, out vcpu) || vcpu < 0))
        {
            throw new FormatException($"{VcpuVariable} must be a vCPU index (0, 1, …), not '{vcpuText}'");
        }

        return new GuestProfileSettings(path, vcpu);
    }
}
