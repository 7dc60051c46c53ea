namespace Vmm.Memory.Tests.Model;

/// <summary>A generated layout and a sequence of accesses to run on it.</summary>
public sealed record ModelCase(LayoutSpec Layout, AccessOp[] Ops)
{
    public override string ToString() => $"{Layout}; ops: {string.Join(", ", Ops.Select(o => o.ToString()))}";
}
