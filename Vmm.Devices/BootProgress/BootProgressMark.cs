namespace Vmm.Devices.BootProgress;

/// <summary>One boot-progress write: the byte the guest wrote and when, measured from the device's start time.</summary>
/// <param name="Value">The byte written.</param>
/// <param name="Elapsed">Time since the device's start (VM start).</param>
public readonly record struct BootProgressMark(byte Value, TimeSpan Elapsed);
