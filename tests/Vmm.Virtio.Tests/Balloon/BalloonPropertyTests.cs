using System.Buffers.Binary;
using FsCheck.Xunit;
using Vmm.Virtio.Balloon;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests.Balloon;

public sealed class BalloonPropertyTests
{
    [Property(MaxTest = 1000)]
    public void Parse_ArbitraryBytes_AgreesWithAModelOfPackedEntries(byte[] bytes)
    {
        var values = new ulong[BalloonStatsParser.TagCount];

        int entries = BalloonStatsParser.Parse(bytes, values, out uint present, out int unknown);

        var model = new Dictionary<ushort, ulong>();
        int modelUnknown = 0;
        for (int offset = 0; offset + 10 <= bytes.Length; offset += 10)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset));
            if (tag < BalloonStatsParser.TagCount)
            {
                model[tag] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset + 2));
            }
            else
            {
                modelUnknown++;
            }
        }

        Assert.Equal(bytes.Length / 10, entries);
        Assert.Equal(modelUnknown, unknown);
        for (ushort tag = 0; tag < BalloonStatsParser.TagCount; tag++)
        {
            Assert.Equal(model.ContainsKey(tag), (present & (1u << tag)) != 0);
            if (model.TryGetValue(tag, out ulong expected))
            {
                Assert.Equal(expected, values[tag]);
            }
        }
    }

    [Property(MaxTest = 1000)]
    public void PageRuns_ArbitrarySortedPages_MaximalDisjointRunsCoveringExactlyTheSet(uint[] pages)
    {
        Array.Sort(pages);
        var runs = new List<(ulong First, ulong Count)>();
        var enumerator = new PageRunEnumerator(pages);
        while (enumerator.MoveNext())
        {
            runs.Add((enumerator.FirstPage, enumerator.PageCount));
        }

        var distinct = pages.Select(p => (ulong)p).ToHashSet();
        Assert.Equal(pages.Length - distinct.Count, enumerator.Duplicates);
        Assert.Equal(distinct.Order(), runs.SelectMany(r => Enumerable.Range(0, (int)r.Count).Select(i => r.First + (ulong)i)));
        for (int i = 1; i < runs.Count; i++)
        {
            Assert.True(runs[i].First > runs[i - 1].First + runs[i - 1].Count, "runs touch or overlap: not maximal");
        }
    }

    [Property(MaxTest = 200)]
    public void Inflate_ArbitraryPageLists_ExactlyTheListedRamPagesGivenBackOneCallPerRun(uint[] seeds)
    {
        using var h = new BalloonHarness(ramBytes: 256 * BalloonHarness.Page).Start();
        h.FillRam(0xaa);

        // Half the entries near the RAM (the hole below it, the RAM, past its end); the rest anywhere above the control region.
        var pages = seeds.Select(s => (s & 1) == 0 ? (uint)(h.RamFirstPage - 8 + ((s >> 1) % (h.RamPages + 16))) : s | 0x10_0000).ToArray();
        if (pages.Length == 0)
        {
            return;
        }

        var used = h.SendPages(h.Inflate, 0, pages);

        var listed = pages.Select(p => (ulong)p).ToHashSet();
        var inRam = listed.Where(p => p >= h.RamFirstPage && p < h.RamFirstPage + h.RamPages).Order().ToArray();
        int runsInRam = inRam.Where((p, i) => i == 0 || inRam[i - 1] != p - 1).Count();
        Assert.Equal(0u, used.Length);
        Assert.Equal(inRam.Length, h.Device.InflatedPages);
        Assert.Equal(listed.Count - inRam.Length, h.Counter("refused-pages"));
        Assert.Equal(pages.Length - listed.Count, h.Counter("duplicate-pages"));
        Assert.Equal(runsInRam, h.Counter("discard-calls"));
        for (ulong p = h.RamFirstPage; p < h.RamFirstPage + h.RamPages; p++)
        {
            Assert.True(h.PageIs(p, listed.Contains(p) ? (byte)0 : (byte)0xaa), $"page 0x{p:x}");
        }
    }

    [Property(MaxTest = 300)]
    public void InflateOrDeflate_ArbitraryBytes_EveryWholeEntryAccountedForAndDeviceHealthy(byte[] bytes, bool inflate)
    {
        using var h = new BalloonHarness().Start();

        var used = h.SendBytes(inflate ? h.Inflate : h.Deflate, inflate ? 0 : 1, bytes);

        int entries = bytes.Length / 4;
        bool hitsControlRegion = Enumerable.Range(0, entries).Any(i => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4)) < (8 << 20) / 4096);
        Assert.Equal(0u, used.Length);
        Assert.Equal(entries, h.Counter(inflate ? "inflated-pages" : "deflated-pages") + h.Counter("refused-pages") + h.Counter("duplicate-pages"));
        Assert.Equal(bytes.Length % 4 != 0 ? 1 : 0, h.Counter("malformed-requests"));
        Assert.Equal(0, h.Counter("discard-errors"));
        if (!hitsControlRegion)
        {
            Assert.False(h.Transport.Status.HasFlag(DeviceStatus.DeviceNeedsReset));
        }
    }
}
