namespace Vmm.Reference.Configuration;

/// <summary>One network device in the JSON config.</summary>
internal sealed class NetFileEntry
{
    public string? Tap { get; set; }

    public string? Mac { get; set; }

    public RateLimitFileEntry? RxRate { get; set; }

    public RateLimitFileEntry? TxRate { get; set; }
}
