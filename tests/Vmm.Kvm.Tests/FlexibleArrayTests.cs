using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Vmm.Kvm.Tests;

public sealed class FlexibleArrayTests
{
    [Property]
    public bool CpuidEntries_AddUpToCapacity_KeepsEntriesAndRefusesMore(byte rawCapacity)
    {
        var capacity = rawCapacity % (CpuidEntries.MaxEntries + 1);
        using var table = new CpuidEntries(capacity);
        for (var i = 0; i < capacity; i++)
        {
            table.Add(new CpuidEntry { Function = (uint)i, Eax = (uint)(i * 3) });
        }

        var full = Record.Exception(() => table.Add(default));
        return table.Count == capacity
            && full is InvalidOperationException
            && table.Entries.ToArray().Select((e, i) => e.Function == i && e.Eax == i * 3).All(x => x);
    }

    [Property]
    public void CpuidEntries_CapacityBeyondKernelLimit_Throws(PositiveInt extra) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuidEntries(CpuidEntries.MaxEntries + extra.Get));

    [Property]
    public void MsrEntries_CapacityBeyondKernelLimit_Throws(PositiveInt extra) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MsrEntries(MsrEntries.MaxEntries + extra.Get));

    [Property]
    public void GsiRoutingTable_CapacityBeyondKernelLimit_Throws(PositiveInt extra) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GsiRoutingTable(GsiRoutingTable.MaxEntries + extra.Get));

    [Property]
    public Property MsrEntries_ForIndices_RoundTripsIndices(uint[] indices)
    {
        var usable = indices.Take(MsrEntries.MaxEntries).ToArray();
        using var list = MsrEntries.ForIndices(usable);
        return (list.Count == usable.Length && list.Entries.ToArray().Select(e => e.Index).SequenceEqual(usable)).ToProperty();
    }

    [Property]
    public bool GsiRoutingTable_MixedRoutes_EncodesKernelEntries(uint gsi, ulong address, uint data, byte pin)
    {
        using var table = new GsiRoutingTable(2);
        table.AddIrqChip(gsi, IrqChip.IoApic, pin % 24u);
        table.AddMsi(gsi + 1, address, data, deviceId: 7);
        var chip = table.GetRaw(0);
        var msi = table.GetRaw(1);
        return table.Count == 2
            && chip.Gsi == gsi && chip.Type == 1 && chip.U0 == 2 && chip.U1 == pin % 24u
            && msi.Type == 2 && msi.U0 == (uint)address && msi.U1 == (uint)(address >> 32) && msi.U2 == data && msi.Flags == 1 && msi.U3 == 7;
    }

    [Fact]
    public void GsiRoutingTable_PicPinAbove7_Throws()
    {
        using var table = new GsiRoutingTable(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.AddIrqChip(0, IrqChip.PicMaster, 8));
    }

    [Fact]
    public void GsiRoutingTable_Full_Throws()
    {
        using var table = new GsiRoutingTable(1);
        table.AddMsi(0, 0xfee00000, 0x20);
        Assert.Throws<InvalidOperationException>(() => table.AddMsi(1, 0xfee00000, 0x21));
    }
}
