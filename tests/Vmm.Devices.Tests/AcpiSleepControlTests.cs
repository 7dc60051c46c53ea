using FsCheck.Xunit;
using Vmm.Devices.Legacy;

namespace Vmm.Devices.Tests;

public sealed class AcpiSleepControlTests
{
    [Fact]
    public void Write_S5WithSleepEnable_RaisesPowerOffOnce()
    {
        var device = new AcpiSleepControl(s5SleepType: 5);
        int powerOffs = 0;
        device.PowerOffRequested += (_, _) => powerOffs++;
        device.Write(0, [(byte)((5 << 2) | AcpiSleepControl.SleepEnable)]);
        device.Write(0, [(byte)((5 << 2) | AcpiSleepControl.SleepEnable)]);
        Assert.Equal(1, powerOffs);
    }

    [Fact]
    public void Write_ResetValueToResetRegister_RaisesReset()
    {
        var device = new AcpiSleepControl(resetValue: 0x0E);
        int resets = 0;
        device.ResetRequested += (_, _) => resets++;
        device.Write(2, [0x01]);
        Assert.Equal(0, resets);
        device.Write(2, [0x0E]);
        Assert.Equal(1, resets);
    }

    [Fact]
    public void Read_StatusRegister_ReportsWakeStatus()
    {
        var device = new AcpiSleepControl();
        Span<byte> value = stackalloc byte[1];
        device.Read(1, value);
        Assert.Equal(AcpiSleepControl.WakeStatus, value[0]);
    }

    [Property]
    public bool Write_AnyByteAtAnyOffset_PowersOffOnlyForEnabledS5(byte value, byte offsetSeed, bool wide)
    {
        var device = new AcpiSleepControl(s5SleepType: 5);
        bool powerOff = false;
        bool reset = false;
        device.PowerOffRequested += (_, _) => powerOff = true;
        device.ResetRequested += (_, _) => reset = true;
        ushort offset = (ushort)(offsetSeed % 4);
        if (wide)
        {
            device.Write(offset, [value, value]);
        }
        else
        {
            device.Write(offset, [value]);
        }

        bool expectedOff = !wide && offset == 0 && (value & 0x20) != 0 && ((value >> 2) & 7) == 5;
        bool expectedReset = !wide && offset == 2 && value == 0x01;
        return powerOff == expectedOff && reset == expectedReset;
    }

    [Fact]
    public void Constructor_SleepTypeAboveThreeBits_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new AcpiSleepControl(s5SleepType: 8));
}
