using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vmm.Reference.Configuration;

/// <summary>The JSON form of <see cref="VmConfig"/> (<c>vmm run --config FILE.json</c>), with the same settings as the command line.</summary>
internal sealed class VmConfigFile
{
    public string? Kernel { get; set; }

    public string? Initrd { get; set; }

    public string? Cmdline { get; set; }

    /// <summary>A number (MiB) or a string with a unit ("128M", "1G").</summary>
    public JsonElement? Memory { get; set; }

    public int? Cpus { get; set; }

    public List<DiskFileEntry>? Disks { get; set; }

    public List<NetFileEntry>? Nets { get; set; }

    public string? Console { get; set; }

    public bool? BootTimer { get; set; }

    public string? LogLevel { get; set; }

    public bool? GuestDecompression { get; set; }

    public bool? Rng { get; set; }

    public VsockFileEntry? Vsock { get; set; }
    public BalloonFileEntry? Balloon { get; set; }

    public static VmConfig Load(string path)
    {
        VmConfigFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, VmConfigJsonContext.Default.VmConfigFile);
        }
        catch (IOException e)
        {
            throw new VmmException(ExitCode.Usage, $"cannot read config file {path}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new VmmException(ExitCode.Usage, $"cannot read config file {path}: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new VmmException(ExitCode.Usage, $"invalid config file {path}: {e.Message}", e);
        }

        if (file is null)
        {
            throw new VmmException(ExitCode.Usage, $"invalid config file {path}: empty");
        }

        return file.ToConfig(path);
    }

    private VmConfig ToConfig(string path)
    {
        if (string.IsNullOrEmpty(Kernel))
        {
            throw new VmmException(ExitCode.Usage, $"invalid config file {path}: \"kernel\" is required");
        }

        try
        {
            var config = new VmConfig
            {
                KernelPath = Kernel,
                InitrdPath = Initrd,
                CommandLine = Cmdline,
                Disks = Disks?.Select(d => new DiskConfig(d.Path ?? throw new FormatException("a disk needs a \"path\""), d.ReadOnly)).ToList() ?? [],
                Nets = Nets?.Select(ToNetConfig).ToList() ?? [],
                BootTimer = BootTimer ?? false,
                GuestDecompression = GuestDecompression ?? false,
                Rng = Rng ?? true,
                Vsock = Vsock?.ToConfig(path),
                Balloon = Balloon?.ToConfig(),
            };
            if (Memory is { } memory)
            {
                config = config with
                {
                    MemoryBytes = memory.ValueKind == JsonValueKind.Number
                        ? MemorySize.ParseBytes(memory.GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture))
                        : MemorySize.ParseBytes(memory.GetString() ?? string.Empty),
                };
            }

            if (Cpus is { } cpus)
            {
                config = config with { VcpuCount = cpus };
            }

            if (Console is not null)
            {
                config = config with { Console = ParseEnum<ConsoleMode>(Console, "console") };
            }

            if (LogLevel is not null)
            {
                config = config with { LogLevel = ParseEnum<LogLevel>(LogLevel, "logLevel") };
            }

            config.Balloon?.CheckFits(config.MemoryBytes);
            return config;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new VmmException(ExitCode.Usage, $"invalid config file {path}: {e.Message}", e);
        }
    }

    private static NetConfig ToNetConfig(NetFileEntry entry) =>
        new(string.IsNullOrEmpty(entry.Tap) ? throw new FormatException("a net needs a \"tap\"") : entry.Tap)
        {
            Mac = entry.Mac is null ? null : NetConfig.ParseMac(entry.Mac),
            ReceiveRate = entry.RxRate?.ToOptions("rxRate"),
            TransmitRate = entry.TxRate?.ToOptions("txRate"),
        };

    private static T ParseEnum<T>(string text, string name)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"\"{name}\" must be one of {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}, not \"{text}\"");
}
