using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vmm.Memory;

namespace Vmm.Loader.Tests;

public sealed class E820MapTests
{
    private const ulong Mib = 1UL << 20;

    [Fact]
    public void Build_RamStraddlingMmioGap_SplitsAndReservesBiosArea()
    {
        var builder = new E820MapBuilder();
        foreach (var r in BootLayout.RamRanges(4096 * Mib))
        {
            builder.AddRam(r);
        }

        var map = builder.AddReserved(new GuestRange(new GuestAddress(0x9fc00), 0x100000 - 0x9fc00)).Build();

        Assert.Equal(
            [
                new E820Entry(0, 0x9fc00, E820Type.Ram),
                new E820Entry(0x9fc00, 0x60400, E820Type.Reserved),
                new E820Entry(0x100000, 0xc000_0000 - 0x100000, E820Type.Ram),
                new E820Entry(0x1_0000_0000, 1024 * Mib, E820Type.Ram),
            ],
            map.Entries);
    }

    [Fact]
    public void Build_OnlyReserved_Throws()
    {
        var builder = new E820MapBuilder().AddRam(new GuestRange(new GuestAddress(0), Mib)).AddReserved(new GuestRange(new GuestAddress(0), 2 * Mib));
        Assert.Throws<BootConfigurationException>(builder.Build);
    }

    [Fact]
    public void Build_MoreThan128Entries_Throws()
    {
        var builder = new E820MapBuilder().AddRam(new GuestRange(new GuestAddress(0), 1024 * Mib));
        for (ulong i = 1; i <= 70; i++)
        {
            builder.AddReserved(new GuestRange(new GuestAddress(i * 4 * Mib), Mib));
        }

        Assert.Throws<BootConfigurationException>(builder.Build);
    }

    public static Arbitrary<(ulong Start, ulong Length)[]> Ranges() =>
        Gen.Choose(0, 24).SelectMany(n =>
            Gen.ArrayOf(
                from start in Gen.Choose(0, 1 << 20)
                from len in Gen.Choose(1, 1 << 19)
                from scale in Gen.Elements(4096UL, 1UL << 14, 1UL << 16)
                select ((ulong)start * scale, (ulong)len * scale), n)).ToArbitrary();

    [Property(MaxTest = 300)]
    public void Build_ArbitraryLayouts_NoOverlapExactRamCoverageReservedRespected(ulong ramMib, int reservedSeed)
    {
        ulong ram = ((ramMib % (8 * 1024)) + 1) * Mib; // 1 MiB .. 8 GiB: below, at and above the 32-bit gap
        var ramRanges = BootLayout.RamRanges(ram);
        var random = new Random(reservedSeed);
        var reserved = Enumerable.Range(0, random.Next(0, 12))
            .Select(_ => new GuestRange(new GuestAddress((ulong)random.NextInt64(0, (long)(6UL << 30)) & ~0xfffUL), ((ulong)random.Next(1, 1 << 20) * 4096) + 1))
            .ToList();
        reserved.Add(new GuestRange(new GuestAddress(0x9fc00), 0x60400));
        var builder = new E820MapBuilder();
        foreach (var r in ramRanges)
        {
            builder.AddRam(r);
        }

        foreach (var r in reserved)
        {
            builder.AddReserved(r);
        }

        E820Map map;
        try
        {
            map = builder.Build();
        }
        catch (BootConfigurationException)
        {
            // Legitimate only when the reserved ranges swallowed all RAM.
            Assert.True(ramRanges.All(r => reserved.Any(v => v.Contains(r))) || reserved.Count > 60);
            return;
        }

        var entries = map.Entries;
        for (int i = 1; i < entries.Count; i++)
        {
            Assert.True(entries[i - 1].End <= entries[i].Address, $"overlap: {map}");
            Assert.False(entries[i - 1].End == entries[i].Address && entries[i - 1].Type == entries[i].Type, $"unmerged: {map}");
        }

        Assert.All(entries, e => Assert.NotEqual(0UL, e.Size));
        foreach (var e in entries.Where(e => e.Type == E820Type.Ram))
        {
            Assert.True(ramRanges.Any(r => r.Contains(new GuestRange(new GuestAddress(e.Address), e.Size))), $"usable outside RAM: {e}");
            Assert.DoesNotContain(reserved, r => r.Overlaps(new GuestRange(new GuestAddress(e.Address), e.Size)));
        }

        // Every RAM byte is covered by exactly one entry: probe the edges of every range involved.
        var probes = ramRanges.Concat(reserved).SelectMany(r => new[] { r.Start.Value, r.Last.Value, r.Start.Value == 0 ? 0 : r.Start.Value - 1, r.Last.Value + 1 });
        foreach (ulong p in probes)
        {
            bool inRam = ramRanges.Any(r => r.Contains(new GuestAddress(p)));
            bool inReserved = reserved.Any(r => r.Contains(new GuestAddress(p)));
            int covering = entries.Count(e => p >= e.Address && p < e.End);
            var type = entries.FirstOrDefault(e => p >= e.Address && p < e.End).Type;
            if (inReserved)
            {
                Assert.Equal(E820Type.Reserved, type);
            }
            else if (inRam)
            {
                Assert.Equal(1, covering);
                Assert.Equal(E820Type.Ram, type);
            }
            else
            {
                Assert.Equal(0, covering);
            }
        }
    }

    [Property(MaxTest = 300)]
    public void InitrdPlacement_ArbitrarySizes_AlignedUsableBelowLimitClearOfKernel(uint sizeKib, uint limitMib, bool bigGuest)
    {
        ulong size = ((ulong)(sizeKib % (64 * 1024)) + 1) * 1024;
        ulong highest = (((ulong)(limitMib % 4096) + 2) * Mib) - 1;
        var builder = E820MapBuilder.FromGuestMemoryLayout(BootLayout.RamRanges(bigGuest ? 6UL << 30 : 256 * Mib));
        var map = builder.Build();
        var kernel = new GuestRange(new GuestAddress(16 * Mib), 48 * Mib);
        GuestAddress at;
        try
        {
            at = InitrdPlacement.Find(map, size, highest, kernel);
        }
        catch (BootConfigurationException)
        {
            ulong top = Math.Min(highest + 1, bigGuest ? 0xc000_0000 : 256 * Mib);
            Assert.True(top < 64 * Mib + size || top - size < Mib, $"room was available below {top:x} for {size:x}");
            return;
        }

        Assert.Equal(0UL, at.Value % 4096);
        Assert.True(at.Value + size - 1 <= highest);
        Assert.True(map.IsUsable(at.Value, size));
        Assert.False(kernel.Overlaps(new GuestRange(at, size)));
    }
}
