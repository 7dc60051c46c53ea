using Vmm.Reference.Configuration;
using Vmm.Virtio.Net;

namespace Vmm.Reference.Machine;

/// <summary>A tap opened for a <c>--net</c> device, before the VM is built, so that a missing or busy tap is reported first.</summary>
/// <param name="Config">The device's settings.</param>
/// <param name="Tap">The open tap (the device takes it over).</param>
internal sealed record NetBackend(NetConfig Config, Tap Tap) : IDisposable
{
    /// <summary>Opens the tap of <paramref name="config"/>; failures are one line in the user's terms with their own exit code.</summary>
    public static NetBackend Open(NetConfig config)
    {
        try
        {
            return new NetBackend(config, Tap.Open(config.Tap));
        }
        catch (TapException e)
        {
            var (code, message) = e.Error switch
            {
                TapError.NotFound => (ExitCode.TapNotFound, $"--net tap={config.Tap}: there is no interface '{config.Tap}' in this network namespace (create it first, e.g. 'ip tuntap add {config.Tap} mode tap')"),
                TapError.Busy => (ExitCode.TapInUse, $"--net tap={config.Tap}: the tap is in use by another process"),
                TapError.TunUnavailable => (ExitCode.TunUnavailable, $"--net tap={config.Tap}: {e.Message} (is the tun module loaded, and may vmm open it?)"),
                TapError.InvalidName => (ExitCode.Usage, $"--net tap={config.Tap}: {e.Message}"),
                TapError.PermissionDenied => (ExitCode.TapNotFound, $"--net tap={config.Tap}: vmm may not use this tap (it belongs to another user or group; create it with 'ip tuntap add {config.Tap} mode tap user $USER')"),
                TapError.NotATap => (ExitCode.TapNotFound, $"--net tap={config.Tap}: '{config.Tap}' is not a tap interface"),
                _ => (ExitCode.TapNotFound, $"--net tap={config.Tap}: {e.Message}"),
            };
            throw new VmmException(code, message, e);
        }
    }

    public void Dispose() => Tap.Dispose();
}
