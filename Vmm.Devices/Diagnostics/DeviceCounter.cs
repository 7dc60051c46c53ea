namespace Vmm.Devices;

/// <summary>One named counter a device reports (see <see cref="IDeviceCounters"/>).</summary>
/// <param name="Name">A short lower-case name, such as <c>requests</c> or <c>dropped-bytes</c>.</param>
/// <param name="Value">The value.</param>
public readonly record struct DeviceCounter(string Name, long Value);
