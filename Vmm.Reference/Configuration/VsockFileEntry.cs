namespace Vmm.Reference.Configuration;

/// <summary>The vsock device in the JSON config: <c>{ "cid": 3, "uds": "/run/vm.sock" }</c>.</summary>
internal sealed class VsockFileEntry
{
    public ulong? Cid { get; set; }

    public string? Uds { get; set; }

    /// <summary>The checked settings; <paramref name="path"/> (the config file) goes into the message of a reserved CID.</summary>
    public VsockConfig ToConfig(string path)
    {
        try
        {
            return VsockConfig.Create(Cid, Uds, "\"vsock\"", "\"cid\"", "\"uds\"");
        }
        catch (VmmException e)
        {
            throw new VmmException(e.ExitCode, $"invalid config file {path}: {e.Message}", e);
        }
    }
}
