namespace Vmm.Devices.BootProgress;

/// <summary>What a <see cref="DebugPort"/> keeps: the marks it holds and how many writes it has seen.</summary>
public sealed record DebugPortState
{
    /// <summary>The most recent marks, oldest first.</summary>
    public BootProgressMark[] Marks { get; init; } = [];

    /// <summary>All writes seen, including those no longer held.</summary>
    public long TotalWrites { get; init; }
}
