using Vmm.Reference.Configuration;
using Vmm.Reference.Machine;

namespace Vmm.Reference;

/// <summary>Builds the VM described by a <see cref="VmConfig"/>, runs it to the end and maps the outcome to an exit code.</summary>
internal static class VmmRunner
{
    /// <summary>MADT and MP-table processor entries use 8-bit APIC IDs; 0xff is broadcast.</summary>
    public const int MaxVcpus = 254;

    /// <summary>Below this the kernel cannot even decompress.</summary>
    public const ulong MinMemoryBytes = 16UL << 20;

    public static ExitCode Run(VmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Log.Level = config.LogLevel;
        try
        {
            config = config with { GuestProfile = GuestProfileSettings.FromEnvironment(Environment.GetEnvironmentVariable) };
        }
        catch (FormatException e)
        {
            throw new VmmException(ExitCode.Usage, e.Message, e);
        }

        Validate(config);
        using var inputs = InputFiles.Open(config);
        using var vm = MicroVm.Create(config, inputs);
        inputs.ReleaseImages();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Log.Info("vm", $"built in {Log.Elapsed.TotalMilliseconds:F1} ms: {config.VcpuCount} vCPU, {config.MemoryBytes >> 20} MiB, kernel {config.KernelPath}");
        return vm.Run();
    }

    private static void Validate(VmConfig config)
    {
        if (config.VcpuCount < 1 || config.VcpuCount > MaxVcpus)
        {
            throw new VmmException(ExitCode.Usage, $"--cpus must be between 1 and {MaxVcpus}, not {config.VcpuCount}");
        }

        if (config.GuestProfile is { } profile && profile.Vcpu >= config.VcpuCount)
        {
            throw new VmmException(ExitCode.Usage, $"{GuestProfileSettings.VcpuVariable} must name one of the {config.VcpuCount} vCPUs (0-{config.VcpuCount - 1}), not {profile.Vcpu}");
        }

        if (config.MemoryBytes < MinMemoryBytes)
        {
            throw new VmmException(ExitCode.InvalidMemorySize, $"--memory {config.MemoryBytes >> 20} MiB is too small: a Linux guest needs at least {MinMemoryBytes >> 20} MiB");
        }

        ulong hostBytes = HostMemoryBytes();
        if (hostBytes != 0 && config.MemoryBytes > hostBytes)
        {
            throw new VmmException(ExitCode.InvalidMemorySize, $"--memory {config.MemoryBytes >> 20} MiB is more than this host's {hostBytes >> 20} MiB of RAM");
        }

        if ((config.MemoryBytes & 0xFFF) != 0)
        {
            throw new VmmException(ExitCode.InvalidMemorySize, "--memory must be a multiple of 4 KiB");
        }

        if (config.Nets.GroupBy(n => n.Tap, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new VmmException(ExitCode.Usage, $"--net tap={twice.Key} is given twice: each device needs its own tap");
        }
    }

    private static ulong HostMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
