using System.Globalization;
using Vmm.Virtio.Balloon;

namespace Vmm.Reference.Configuration;

/// <summary>The virtio-balloon device: how much guest memory to reclaim at start, and its options.</summary>
internal sealed record BalloonConfig
{
    /// <summary>The longest statistics polling interval accepted, in seconds (a day).</summary>
    public const int MaxStatsIntervalSeconds = 86_400;

    /// <summary>The balloon's initial target: guest memory the guest should hand back, in bytes (whole 4 KiB pages).</summary>
    public ulong SizeBytes { get; init; }

    /// <summary>Let the guest deflate the balloon when it runs out of memory.</summary>
    public bool DeflateOnOom { get; init; }

    /// <summary>How often to ask the guest for memory statistics, in seconds; 0 leaves the statistics queue out.</summary>
    public int StatsIntervalSeconds { get; init; }

    /// <summary>Let the guest report free memory, which is then given back to the host.</summary>
    public bool FreePageReporting { get; init; }

    /// <summary>The device options.</summary>
    public VirtioBalloonOptions ToOptions() => new()
    {
        TargetPages = checked((uint)(SizeBytes / VirtioBalloon.PageSize)),
        DeflateOnOom = DeflateOnOom,
        StatisticsInterval = TimeSpan.FromSeconds(StatsIntervalSeconds),
        FreePageReporting = FreePageReporting,
    };

    /// <summary>Checks that the balloon fits in <paramref name="memoryBytes"/> of guest memory.</summary>
    /// <exception cref="FormatException">It does not.</exception>
    public void CheckFits(ulong memoryBytes)
    {
        if (SizeBytes > memoryBytes)
        {
            throw new FormatException($"the balloon size ({SizeBytes >> 20} MiB) is larger than the guest memory ({memoryBytes >> 20} MiB)");
        }
    }

    /// <summary>
    /// Parses the command-line form <c>[size=SIZE][,deflate-on-oom=on|off][,stats-interval=SECONDS][,free-page-reporting=on|off]</c>
    /// (null or empty: a balloon of size 0 with the defaults).
    /// </summary>
    /// <exception cref="FormatException">An unknown key, a repeated key or a bad value; the message names the flag and what it expects.</exception>
    public static BalloonConfig Parse(string? text)
    {
        var config = new BalloonConfig();
        if (string.IsNullOrEmpty(text))
        {
            return config;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string item in text.Split(','))
        {
            int equals = item.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? item : item[..equals];
            string value = equals < 0 ? string.Empty : item[(equals + 1)..];
            if (!seen.Add(key))
            {
                throw new FormatException($"--balloon: '{key}' is given twice");
            }

            config = key switch
            {
                "size" => config with { SizeBytes = ParseSize(value, "--balloon size") },
                "deflate-on-oom" => config with { DeflateOnOom = ParseSwitch(value, "--balloon deflate-on-oom") },
                "stats-interval" => config with { StatsIntervalSeconds = ParseInterval(value, "--balloon stats-interval") },
                "free-page-reporting" => config with { FreePageReporting = ParseSwitch(value, "--balloon free-page-reporting") },
                _ => throw new FormatException($"--balloon: unknown option '{item}' (expected [size=SIZE][,deflate-on-oom=on|off][,stats-interval=SECONDS][,free-page-reporting=on|off])"),
            };
        }

        return config;
    }

    /// <summary>A balloon size: 0, or a memory size (a plain number is MiB) that is a whole number of 4 KiB pages.</summary>
    public static ulong ParseSize(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim() == "0")
        {
            return 0;
        }

        ulong bytes;
        try
        {
            bytes = MemorySize.ParseBytes(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"{name} must be a size such as 64M or 1G, not '{text}'");
        }

        if (bytes % VirtioBalloon.PageSize != 0 || bytes / VirtioBalloon.PageSize > uint.MaxValue)
        {
            throw new FormatException($"{name} must be a whole number of 4 KiB pages below 16 TiB, not '{text}'");
        }

        return bytes;
    }

    /// <summary>A polling interval in whole seconds, 0 to <see cref="MaxStatsIntervalSeconds"/>.</summary>
    public static int ParseInterval(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds <= MaxStatsIntervalSeconds
            ? seconds
            : throw new FormatException($"{name} must be a number of seconds from 0 (off) to {MaxStatsIntervalSeconds}, not '{text}'");

    private static bool ParseSwitch(string text, string name) => text switch
    {
        "on" => true,
        "off" => false,
        _ => throw new FormatException($"{name} must be on or off, not '{text}'"),
    };
}
