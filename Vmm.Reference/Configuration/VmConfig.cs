namespace Vmm.Reference.Configuration;

/// <summary>Everything needed to build and boot one micro-VM, from the command line or a JSON file.</summary>
internal sealed record VmConfig
{
    /// <summary>The default kernel command line: like Firecracker's, it avoids slow probes (i8042, PCI) and reboots by exiting.</summary>
    public const string DefaultCommandLine = "console=ttyS0 reboot=k panic=-1 pci=off i8042.noaux i8042.nomux i8042.dumbkbd i8042.nopnp";

    public required string KernelPath { get; init; }

    public string? InitrdPath { get; init; }

    /// <summary>The kernel command line; null means <see cref="DefaultCommandLine"/>.</summary>
    public string? CommandLine { get; init; }

    public ulong MemoryBytes { get; init; } = 128UL << 20;

    public int VcpuCount { get; init; } = 1;

    public IReadOnlyList<DiskConfig> Disks { get; init; } = [];

    public IReadOnlyList<NetConfig> Nets { get; init; } = [];

    public ConsoleMode Console { get; init; } = ConsoleMode.Serial;

    public bool BootTimer { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Boot a bzImage through its own in-guest decompressor instead of decompressing it on the host.</summary>
    public bool GuestDecompression { get; init; }

    /// <summary>Add a virtio-rng device.</summary>
    public bool Rng { get; init; } = true;

    /// <summary>The virtio-vsock device, or null for none.</summary>
    public VsockConfig? Vsock { get; init; }
    /// <summary>The virtio-balloon device, or null for none.</summary>
    public BalloonConfig? Balloon { get; init; }

    /// <summary>Leave PVM-specific command-line workarounds out even on a PVM host.</summary>
    public bool NoHostWorkarounds { get; init; }

    /// <summary>Guest RIP sampling (a boot-time diagnostic), or null.</summary>
    public GuestProfileSettings? GuestProfile { get; init; }

    public string EffectiveCommandLine => CommandLine ?? DefaultCommandLine;
}
