using FsCheck;
using FsCheck.Fluent;

namespace Vmm.Memory.Tests.Model;

/// <summary>FsCheck generators for <see cref="ModelCase"/>: small layouts, accesses concentrated around region edges.</summary>
public static class ModelArbitraries
{
    public static Arbitrary<ModelCase> ModelCase() => Arb.From(
        from layout in Layout()
        from count in Gen.Choose(1, 40)
        from ops in Gen.ArrayOf(Op(layout), count)
        select new ModelCase(layout, ops));

    public static Gen<LayoutSpec> Layout() =>
        from count in Gen.Choose(1, 4)
        from regions in Gen.ArrayOf(Region(), count)
        from placement in Gen.Choose(0, 2)
        select new LayoutSpec(regions, placement);

    private static Gen<RegionSpec> Region() =>
        from gap in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from size in Gen.Choose(1, 3)
        from readOnly in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new RegionSpec(gap, size, readOnly);

    private static Gen<AccessOp> Op(LayoutSpec layout)
    {
        long windowBytes = (long)layout.WindowPages * LayoutSpec.Page;
        long maxOffset = layout.AtTop ? windowBytes - 1 : windowBytes + 64;
        var nearEdge =
            from page in Gen.Choose(0, layout.WindowPages)
            from delta in Gen.Choose(-20, 20)
            select (long)page * LayoutSpec.Page + delta;
        var anywhere = Gen.Choose(0, (int)maxOffset).Select(o => (long)o);
        return
            from kind in Gen.Elements(Enum.GetValues<AccessKind>())
            from offset in Gen.Frequency((3, nearEdge), (1, anywhere))
            from length in Length(kind)
            from seed in Gen.Choose(0, 255)
            select new AccessOp(kind, Math.Clamp(offset, 0, maxOffset), length, (byte)seed);
    }

    private static Gen<int> Length(AccessKind kind) => kind switch
    {
        AccessKind.ReadValue or AccessKind.WriteValue => Gen.Elements(1, 2, 4, 8, 16),
        AccessKind.LoadAcquire or AccessKind.StoreRelease => Gen.Elements(2, 4, 8),
        AccessKind.CompareExchange => Gen.Elements(4, 8),
        _ => Gen.Frequency(
            (1, Gen.Constant(0)),
            (2, Gen.Constant(8)),
            (3, Gen.Choose(1, 24)),
            (2, Gen.Choose(0, (3 * LayoutSpec.Page) + 100))),
    };
}
