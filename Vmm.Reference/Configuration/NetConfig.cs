using System.Globalization;
using Vmm.Virtio.Net;
using Vmm.Virtio.RateLimiting;

namespace Vmm.Reference.Configuration;

/// <summary>One virtio-net device backed by an existing tap interface.</summary>
/// <param name="Tap">The tap interface name.</param>
internal sealed record NetConfig(string Tap)
{
    /// <summary>The guest's MAC address; null: a random locally administered one.</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>Limits on frames to the guest, or null.</summary>
    public RateLimiterOptions? ReceiveRate { get; init; }

    /// <summary>Limits on frames from the guest, or null.</summary>
    public RateLimiterOptions? TransmitRate { get; init; }

    /// <summary>
    /// Parses the command-line form <c>tap=NAME[,mac=MAC][,rx-rate=BYTES][,tx-rate=BYTES][,rx-ops=N][,tx-ops=N]</c>:
    /// rates are per second (bytes with an optional K/M/G suffix, ×1024; operations are frames).
    /// </summary>
    public static NetConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? tap = null;
        MacAddress? mac = null;
        long rxRate = 0, txRate = 0, rxOps = 0, txOps = 0;
        foreach (var item in text.Split(','))
        {
            int equals = item.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? item : item[..equals];
            string value = equals < 0 ? "" : item[(equals + 1)..];
            switch (key)
            {
                case "tap":
                    tap = value;
                    break;
                case "mac":
                    mac = ParseMac(value);
                    break;
                case "rx-rate":
                    rxRate = ParseRate(value, key);
                    break;
                case "tx-rate":
                    txRate = ParseRate(value, key);
                    break;
                case "rx-ops":
                    rxOps = ParseCount(value, key);
                    break;
                case "tx-ops":
                    txOps = ParseCount(value, key);
                    break;
                default:
                    throw new FormatException($"--net: unknown option '{key}' in '{text}' (expected tap=NAME[,mac=MAC][,rx-rate=BYTES][,tx-rate=BYTES][,rx-ops=N][,tx-ops=N])");
            }
        }

        if (string.IsNullOrEmpty(tap))
        {
            throw new FormatException($"--net needs tap=NAME, not '{text}'");
        }

        return new NetConfig(tap) { Mac = mac, ReceiveRate = PerSecond(rxRate, rxOps), TransmitRate = PerSecond(txRate, txOps) };
    }

    /// <summary>Parses a unicast MAC address.</summary>
    public static MacAddress ParseMac(string text)
    {
        if (!MacAddress.TryParse(text, out var mac))
        {
            throw new FormatException($"mac={text} is not a MAC address (six hexadecimal bytes such as 52:54:00:12:34:56)");
        }

        return mac.IsMulticast ? throw new FormatException($"mac={text} is a multicast address; a network card needs a unicast one") : mac;
    }

    private static RateLimiterOptions? PerSecond(long bytes, long operations) =>
        bytes == 0 && operations == 0
            ? null
            : new RateLimiterOptions
            {
                Bandwidth = bytes == 0 ? null : TokenBucketOptions.PerSecond(bytes),
                Operations = operations == 0 ? null : TokenBucketOptions.PerSecond(operations),
            };

    private static long ParseRate(string text, string key)
    {
        string t = text.EndsWith("/s", StringComparison.Ordinal) ? text[..^2] : text;
        int shift = t.Length > 0 ? char.ToUpperInvariant(t[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 } : 0;
        string digits = shift == 0 ? t : t[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0 || value > (long.MaxValue >> 30))
        {
            throw new FormatException($"{key}={text} is not a rate: bytes per second, optionally with K, M or G (e.g. {key}=10M)");
        }

        return value << shift;
    }

    private static long ParseCount(string text, string key) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0
            ? value
            : throw new FormatException($"{key}={text} is not a rate: a positive number of frames per second");
}
