namespace Vmm.Memory.Tests.Model;

/// <summary>
/// A generated guest-physical layout placed in a compact window of the address space: at address 0,
/// at 4 GiB, or so that the last region ends exactly at 2^64 - 1.
/// </summary>
public sealed record LayoutSpec(RegionSpec[] Regions, int Placement)
{
    public const int Page = 4096;

    public bool AtTop => Placement == 2;

    /// <summary>Pages in the window: every gap and region, plus one trailing hole page unless the layout ends at the top.</summary>
    public int WindowPages => Regions.Sum(r => r.GapPages + r.SizePages) + (AtTop ? 0 : 1);

    public ulong WindowBase => Placement switch
    {
        0 => 0,
        1 => 0x1_0000_0000,
        _ => (ulong)(((UInt128)1 << 64) - (UInt128)((ulong)WindowPages * Page)),
    };

    public override string ToString() =>
        $"{(Placement == 2 ? "top" : $"0x{WindowBase:x}")}: " +
        string.Join(" ", Regions.Select(r => $"gap {r.GapPages} + {r.SizePages}{(r.ReadOnly ? " ro" : "")}"));
}
