namespace Vmm.Devices;

/// <summary>
/// A device that reports counters (requests served, bytes dropped, guest errors) for a VMM's statistics and metrics,
/// so that the VMM need not know each device's type. Reading is cheap and safe from any thread.
/// </summary>
public interface IDeviceCounters
{
    /// <summary>The current counters, in a stable order.</summary>
    IReadOnlyList<DeviceCounter> ReadCounters();
}
