using System.Text.Json;

namespace Vmm.Reference.Configuration;

/// <summary>The balloon in the JSON config: <c>{ "size": "64M", "deflateOnOom": true, "statsInterval": 5, "freePageReporting": false }</c>.</summary>
internal sealed class BalloonFileEntry
{
    /// <summary>A number (MiB) or a string with a unit ("64M"); 0 or absent: no inflation at start.</summary>
    public JsonElement? Size { get; set; }

    public bool? DeflateOnOom { get; set; }

    /// <summary>Seconds between statistics requests; 0 or absent: no statistics queue.</summary>
    public int? StatsInterval { get; set; }

    public bool? FreePageReporting { get; set; }

    public BalloonConfig ToConfig()
    {
        int interval = StatsInterval ?? 0;
        if (interval < 0 || interval > BalloonConfig.MaxStatsIntervalSeconds)
        {
            throw new FormatException($"\"balloon\".\"statsInterval\" must be a number of seconds from 0 (off) to {BalloonConfig.MaxStatsIntervalSeconds}, not {interval}");
        }

        return new BalloonConfig
        {
            SizeBytes = Size is not { } size ? 0
                : size.ValueKind == JsonValueKind.Number ? BalloonConfig.ParseSize(size.GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), "\"balloon\".\"size\"")
                : BalloonConfig.ParseSize(size.GetString() ?? string.Empty, "\"balloon\".\"size\""),
            DeflateOnOom = DeflateOnOom ?? false,
            StatsIntervalSeconds = interval,
            FreePageReporting = FreePageReporting ?? false,
        };
    }
}
