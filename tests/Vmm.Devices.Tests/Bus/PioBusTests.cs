using FsCheck.Xunit;

namespace Vmm.Devices.Tests.Bus;

public sealed class PioBusTests
{
    [Fact]
    public void Read_InsideDevice_ForwardsOffsetAndData()
    {
        var bus = new PioBus();
        var device = new RecordingDevice(7);
        bus.Register(0x3f8, 8, device);
        Span<byte> data = stackalloc byte[2];

        var result = bus.Read(0x3fd, data);

        Assert.Equal(BusAccessResult.Handled, result);
        Assert.Equal(5UL, device.LastOffset);
        Assert.Equal(2, device.LastLength);
        Assert.Equal(new byte[] { 7, 7 }, data.ToArray());
    }

    [Fact]
    public void Read_NoDevice_AnswersAllOnes()
    {
        var bus = new PioBus();
        bus.Register(0x3f8, 8, new RecordingDevice(1));
        Span<byte> data = stackalloc byte[4];

        Assert.Equal(BusAccessResult.NoDevice, bus.Read(0x2f8, data));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, data.ToArray());
    }

    [Fact]
    public void Write_CrossingDeviceEnd_IsNotForwarded()
    {
        var bus = new PioBus();
        var device = new RecordingDevice(1);
        bus.Register(0x3f8, 8, device);
        bus.Register(0x400, 8, new RecordingDevice(2));

        Assert.Equal(BusAccessResult.CrossesDeviceBoundary, bus.Write(0x3fe, [1, 2, 3, 4]));
        Assert.Equal(0, device.Accesses);
    }

    [Fact]
    public void Read_ZeroLength_IsNoDevice()
    {
        var bus = new PioBus();
        var device = new RecordingDevice(1);
        bus.Register(0x60, 5, device);

        Assert.Equal(BusAccessResult.NoDevice, bus.Read(0x60, []));
        Assert.Equal(0, device.Accesses);
    }

    [Theory]
    [InlineData(0x10, 0)]
    [InlineData(0xFFFF, 2)]
    [InlineData(0xFFF0, 0x11)]
    [InlineData(0, -1)]
    public void Register_EmptyOrOverflowingRange_Throws(int basePort, int length)
    {
        var bus = new PioBus();

        Assert.Throws<InvalidBusRangeException>(() => bus.Register((ushort)basePort, length, new RecordingDevice(1)));
        Assert.Equal(0, bus.Count);
    }

    [Fact]
    public void Register_LastPort_IsAccepted()
    {
        var bus = new PioBus();
        bus.Register(0xFFFF, 1, new RecordingDevice(9));
        Span<byte> data = stackalloc byte[1];

        Assert.Equal(BusAccessResult.Handled, bus.Read(0xFFFF, data));
        Assert.Equal(9, data[0]);
    }

    [Theory]
    [InlineData(0x3f8, 8)]
    [InlineData(0x3f0, 9)]
    [InlineData(0x3ff, 1)]
    [InlineData(0x3f0, 0x20)]
    public void Register_Overlapping_ThrowsConflict(int basePort, int length)
    {
        var bus = new PioBus();
        bus.Register(0x3f8, 8, new RecordingDevice(1));

        var error = Assert.Throws<BusRangeConflictException>(() => bus.Register((ushort)basePort, length, new RecordingDevice(2)));
        Assert.Contains("0x3f8-0x3ff", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, bus.Count);
    }

    [Fact]
    public void Unregister_RegisteredBase_RemovesDevice()
    {
        var bus = new PioBus();
        var device = new RecordingDevice(1);
        bus.Register(0x70, 2, device);

        Assert.False(bus.Unregister(0x71, out _));
        Assert.True(bus.Unregister(0x70, out var removed));
        Assert.Same(device, removed);
        Assert.Equal(BusAccessResult.NoDevice, bus.Write(0x70, [0]));
    }

    [Fact]
    public void Read_WithDevicesRegistered_DoesNotAllocate()
    {
        var bus = new PioBus();
        for (int i = 0; i < 64; i++)
        {
            bus.Register((ushort)(i * 16), 8, new RecordingDevice((byte)i));
        }

        Span<byte> data = stackalloc byte[1];
        bus.Read(0x105, data);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            bus.Read((ushort)(i % 1024), data);
            bus.Write((ushort)(i % 1024), data);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Read_WhileRegistering_AlwaysSeesEarlierDevices()
    {
        var bus = new PioBus();
        bus.Register(0, 1, new RecordingDevice(42));
        using var stop = new CancellationTokenSource();
        int failures = 0;
        var reader = Task.Run(() =>
        {
            Span<byte> data = stackalloc byte[1];
            while (!stop.IsCancellationRequested)
            {
                if (bus.Read(0, data) != BusAccessResult.Handled || data[0] != 42)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, TestContext.Current.CancellationToken);

        for (int i = 1; i < 2000; i++)
        {
            bus.Register((ushort)(i * 2), 1, new RecordingDevice(1));
        }

        stop.Cancel();
        await reader;
        Assert.Equal(0, failures);
        Assert.Equal(2000, bus.Count);
    }

    /// <summary>Registrations in any order agree with a list model: conflicts exactly when ranges overlap, and every access goes to the one device holding it.</summary>
    [Property(MaxTest = 300)]
    public bool Access_AnyRegistrationsAndAccesses_MatchesModel((ushort Base, byte Length)[] ranges, (ushort Port, byte Size)[] accesses)
    {
        var bus = new PioBus();
        var model = new List<(int Base, int Last, RecordingDevice Device)>();
        byte id = 0;
        foreach (var (basePort, rawLength) in ranges)
        {
            int length = rawLength % 40;
            var device = new RecordingDevice(id++);
            int last = basePort + length - 1;
            bool invalid = length == 0 || last > 0xFFFF;
            bool overlaps = !invalid && model.Exists(m => m.Base <= last && basePort <= m.Last);
            try
            {
                bus.Register(basePort, length, device);
                if (invalid || overlaps)
                {
                    return false;
                }

                model.Add((basePort, last, device));
            }
            catch (InvalidBusRangeException)
            {
                if (!invalid)
                {
                    return false;
                }
            }
            catch (BusRangeConflictException)
            {
                if (invalid || !overlaps)
                {
                    return false;
                }
            }
        }

        // Probe the registered edges as well as random ports.
        var probes = accesses.Select(a => (Port: (int)a.Port, Size: 1 + (a.Size % 4)))
            .Concat(model.SelectMany(m => new[] { (m.Base, 1), (m.Last, 1), (m.Last, 2), (Math.Max(0, m.Base - 1), 2) }));
        foreach (var (port, size) in probes)
        {
            var holders = model.Where(m => m.Base <= port && port <= m.Last).ToList();
            var before = model.Select(m => m.Device.Accesses).ToArray();
            var data = new byte[size];
            var result = bus.Read((ushort)port, data);
            var touched = model.Where((m, i) => m.Device.Accesses != before[i]).ToList();
            if (holders.Count > 1 || touched.Count > 1)
            {
                return false;
            }

            bool fits = holders.Count == 1 && port + size - 1 <= holders[0].Last;
            var expected = holders.Count == 0 ? BusAccessResult.NoDevice
                : fits ? BusAccessResult.Handled : BusAccessResult.CrossesDeviceBoundary;
            if (result != expected)
            {
                return false;
            }

            if (fits)
            {
                var holder = holders[0];
                if (touched.Count != 1 || touched[0].Device != holder.Device
                    || holder.Device.LastOffset != (ulong)(port - holder.Base) || data.Any(b => b != holder.Device.Id))
                {
                    return false;
                }
            }
            else if (touched.Count != 0 || data.Any(b => b != 0xFF))
            {
                return false;
            }
        }

        return true;
    }
}
