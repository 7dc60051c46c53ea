namespace Vmm.Devices.BootProgress;

/// <summary>What a <see cref="BootTimer"/> keeps: when the guest reported reaching init, if it has.</summary>
public sealed record BootTimerState
{
    /// <summary>Time from VM start to the guest's "init reached" write, or null before it.</summary>
    public TimeSpan? InitReachedAfter { get; init; }
}
