namespace Vmm.Memory.Tests.Model;

/// <summary>One generated access: its kind, where it starts in the window, its length and the byte pattern it writes.</summary>
public sealed record AccessOp(AccessKind Kind, long WindowOffset, int Length, byte Seed)
{
    public override string ToString() => $"{Kind} @+0x{WindowOffset:x} len {Length} seed {Seed}";
}
