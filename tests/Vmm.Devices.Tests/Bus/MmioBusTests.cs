using FsCheck.Xunit;

namespace Vmm.Devices.Tests.Bus;

public sealed class MmioBusTests
{
    [Fact]
    public void Register_WrappingRange_Throws()
    {
        var bus = new MmioBus();

        Assert.Throws<InvalidBusRangeException>(() => bus.Register(ulong.MaxValue - 3, 5, new RecordingDevice(1)));
        Assert.Throws<InvalidBusRangeException>(() => bus.Register(0xd000_0000, 0, new RecordingDevice(1)));
    }

    [Fact]
    public void Register_TopOfAddressSpace_IsReachable()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice(3);
        bus.Register(ulong.MaxValue - 3, 4, device);
        Span<byte> data = stackalloc byte[4];

        Assert.Equal(BusAccessResult.Handled, bus.Read(ulong.MaxValue - 3, data));
        Assert.Equal(BusAccessResult.CrossesDeviceBoundary, bus.Read(ulong.MaxValue - 2, data));
        Assert.Equal(BusAccessResult.Handled, bus.Read(ulong.MaxValue, data[..1]));
        Assert.Equal(3UL, device.LastOffset);
    }

    [Fact]
    public void Write_Adjacent_GoesToRightDevice()
    {
        var bus = new MmioBus();
        var first = new RecordingDevice(1);
        var second = new RecordingDevice(2);
        bus.Register(0xd000_0000, 0x1000, first);
        bus.Register(0xd000_1000, 0x1000, second);

        Assert.Equal(BusAccessResult.Handled, bus.Write(0xd000_1000, [0x5a, 0, 0, 0]));
        Assert.Equal(0, first.Accesses);
        Assert.Equal(0UL, second.LastOffset);
        Assert.Equal(0x5a, second.LastWritten);
        Assert.Equal(BusAccessResult.CrossesDeviceBoundary, bus.Write(0xd000_0ffe, [1, 2, 3, 4]));
    }

    [Fact]
    public void Find_Registered_ReturnsDeviceAndOffset()
    {
        var bus = new MmioBus();
        var device = new RecordingDevice(1);
        bus.Register(0xc000_0000, 0x1000, device);

        Assert.Equal(BusAccessResult.Handled, bus.Find(0xc000_0010, 4, out var found, out ulong offset));
        Assert.Same(device, found);
        Assert.Equal(0x10UL, offset);
        Assert.Equal(BusAccessResult.NoDevice, bus.Find(0xbfff_ffff, 1, out found, out _));
        Assert.Null(found);
    }

    /// <summary>Ranges anywhere in the 64-bit space: exactly the registered device answers in-range accesses, none answers outside.</summary>
    [Property(MaxTest = 200)]
    public bool Find_RandomDisjointRanges_FindsExactlyTheHolder(ulong[] seeds, ulong[] probes)
    {
        var bus = new MmioBus();
        var model = new List<(ulong Base, ulong Last, RecordingDevice Device)>();
        byte id = 0;
        foreach (ulong seed in seeds.Distinct().Take(64))
        {
            ulong length = 1 + (seed % 0x3000);
            ulong baseAddress = seed & ~0xFFFUL;
            if (length - 1 > ulong.MaxValue - baseAddress)
            {
                continue;
            }

            ulong last = baseAddress + length - 1;
            if (model.Exists(m => m.Base <= last && baseAddress <= m.Last))
            {
                Assert.Throws<BusRangeConflictException>(() => bus.Register(baseAddress, length, new RecordingDevice(0)));
                continue;
            }

            var device = new RecordingDevice(id++);
            bus.Register(baseAddress, length, device);
            model.Add((baseAddress, last, device));
        }

        foreach (ulong address in probes.Concat(model.Select(m => m.Last)).Concat(model.Select(m => m.Base - 1)))
        {
            var holder = model.Where(m => m.Base <= address && address <= m.Last).ToList();
            var result = bus.Find(address, 1, out var found, out ulong offset);
            if (holder.Count == 0 ? result != BusAccessResult.NoDevice || found is not null
                : result != BusAccessResult.Handled || found != holder[0].Device || offset != address - holder[0].Base)
            {
                return false;
            }
        }

        return true;
    }
}
