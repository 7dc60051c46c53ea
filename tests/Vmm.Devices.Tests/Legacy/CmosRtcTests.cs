using FsCheck.Xunit;
using Vmm.Devices.Legacy;

namespace Vmm.Devices.Tests.Legacy;

public sealed class CmosRtcTests
{
    private static readonly DateTimeOffset Start = new(2024, 2, 29, 13, 45, 30, 250, TimeSpan.Zero);

    [Fact]
    public void Read_DefaultMode_IsBcd24Hour()
    {
        var rtc = new CmosRtc(new ManualTimeProvider(Start));

        Assert.Equal(0x30, ReadRegister(rtc, 0x00));
        Assert.Equal(0x45, ReadRegister(rtc, 0x02));
        Assert.Equal(0x13, ReadRegister(rtc, 0x04));
        Assert.Equal(0x05, ReadRegister(rtc, 0x06)); // Thursday
        Assert.Equal(0x29, ReadRegister(rtc, 0x07));
        Assert.Equal(0x02, ReadRegister(rtc, 0x08));
        Assert.Equal(0x24, ReadRegister(rtc, 0x09));
        Assert.Equal(0x20, ReadRegister(rtc, CmosRtc.CenturyRegister));
        Assert.Equal(0x80, ReadRegister(rtc, 0x0D));
    }

    [Fact]
    public void Read_Binary12Hour_EncodesPmBit()
    {
        var rtc = new CmosRtc(new ManualTimeProvider(Start));
        WriteRegister(rtc, 0x0B, 0x04);

        Assert.Equal(0x80 | 1, ReadRegister(rtc, 0x04));
        Assert.Equal(45, ReadRegister(rtc, 0x02));
        Assert.Equal(24, ReadRegister(rtc, 0x09));
    }

    [Fact]
    public void StatusA_LastMicrosecondsOfSecond_ReportsUpdateInProgress()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var rtc = new CmosRtc(clock);
        Assert.Equal(0x26, ReadRegister(rtc, 0x0A));

        clock.Advance(TimeSpan.FromMilliseconds(999.9));
        Assert.Equal(0xA6, ReadRegister(rtc, 0x0A));
        clock.Advance(TimeSpan.FromMilliseconds(0.2));
        Assert.Equal(0x26, ReadRegister(rtc, 0x0A));
    }

    [Fact]
    public void SetBit_GuestSetsClock_OffsetAppliesAndTimeRuns()
    {
        var clock = new ManualTimeProvider(Start);
        var rtc = new CmosRtc(clock);
        WriteRegister(rtc, 0x0B, 0x82);
        WriteRegister(rtc, 0x09, 0x99);
        WriteRegister(rtc, 0x08, 0x12);
        WriteRegister(rtc, 0x07, 0x31);
        WriteRegister(rtc, 0x04, 0x23);
        WriteRegister(rtc, 0x02, 0x59);
        WriteRegister(rtc, 0x00, 0x58);
        WriteRegister(rtc, CmosRtc.CenturyRegister, 0x19);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0x58, ReadRegister(rtc, 0x00)); // frozen while SET
        WriteRegister(rtc, 0x0B, 0x02);

        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 1, TimeSpan.Zero), TruncateToSecond(rtc.GuestTime));
        Assert.Equal(0x01, ReadRegister(rtc, 0x00));
        Assert.Equal(0x00, ReadRegister(rtc, 0x09));
        Assert.Equal(0x20, ReadRegister(rtc, CmosRtc.CenturyRegister));
    }

    [Fact]
    public void SetBit_InvalidDate_LeavesClockUnchanged()
    {
        var clock = new ManualTimeProvider(Start);
        var rtc = new CmosRtc(clock);
        WriteRegister(rtc, 0x0B, 0x82);
        WriteRegister(rtc, 0x07, 0x31);
        WriteRegister(rtc, 0x08, 0x02); // 31 February
        WriteRegister(rtc, 0x0B, 0x02);

        Assert.Equal(Start, rtc.GuestTime);
    }

    [Fact]
    public void Index_Bit7_MasksNmiAndSelectsRegister()
    {
        var rtc = new CmosRtc(new ManualTimeProvider(Start));
        rtc.Write(0, [0x80 | 0x40]);
        rtc.Write(1, [0xAB]);

        Assert.True(rtc.NmiMasked);
        rtc.Write(0, [0x40]);
        Assert.False(rtc.NmiMasked);
        Assert.Equal(0xAB, ReadRegister(rtc, 0x40));
    }

    [Fact]
    public void Ram_AllBytesOutsideClock_AreStorage()
    {
        var rtc = new CmosRtc(new ManualTimeProvider(Start));
        for (int i = 0x0E; i < 0x80; i++)
        {
            if (i != CmosRtc.CenturyRegister)
            {
                WriteRegister(rtc, (byte)i, (byte)(i * 3));
            }
        }

        for (int i = 0x0E; i < 0x80; i++)
        {
            if (i != CmosRtc.CenturyRegister)
            {
                Assert.Equal((byte)(i * 3), ReadRegister(rtc, (byte)i));
            }
        }
    }

    [Fact]
    public void Alarm_Registers_AreReadWrite()
    {
        var rtc = new CmosRtc(new ManualTimeProvider(Start));
        WriteRegister(rtc, 0x01, 0x15);
        WriteRegister(rtc, 0x03, 0x30);
        WriteRegister(rtc, 0x05, 0xC0);

        Assert.Equal(0x15, ReadRegister(rtc, 0x01));
        Assert.Equal(0x30, ReadRegister(rtc, 0x03));
        Assert.Equal(0xC0, ReadRegister(rtc, 0x05));
    }

    [Fact]
    public void StatusC_AfterASecond_ReportsUpdateEndedOnce()
    {
        var clock = new ManualTimeProvider(Start);
        var rtc = new CmosRtc(clock);
        Assert.Equal(0, ReadRegister(rtc, 0x0C));

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0x10, ReadRegister(rtc, 0x0C));
        Assert.Equal(0, ReadRegister(rtc, 0x0C));
    }

    [Fact]
    public void CaptureState_RestoredIntoFreshRtc_BehavesIdentically()
    {
        var clock = new ManualTimeProvider(Start);
        var original = new CmosRtc(clock);
        WriteRegister(original, 0x0B, 0x06);
        WriteRegister(original, 0x02, 7);
        WriteRegister(original, 0x50, 0x99);
        original.Write(0, [0x85]);

        var copy = new CmosRtc(clock);
        copy.RestoreState(original.CaptureState());

        Assert.True(copy.NmiMasked);
        foreach (byte index in new byte[] { 0, 2, 4, 6, 7, 8, 9, 0x0A, 0x0B, 0x0D, 0x50, CmosRtc.CenturyRegister })
        {
            Assert.Equal(ReadRegister(original, index), ReadRegister(copy, index));
        }

        Assert.Throws<ArgumentException>(() => copy.RestoreState(new CmosRtcState { Registers = new byte[12] }));
    }

    [Property]
    public bool Bcd_EveryTwoDigitValue_RoundTrips(byte raw)
    {
        int value = raw % 100;
        return BinaryCodedDecimal.TryDecode(BinaryCodedDecimal.Encode(value), out int decoded) && decoded == value;
    }

    [Property]
    public bool Bcd_AnyByte_DecodesOnlyWhenBothNibblesAreDigits(byte bcd)
    {
        bool ok = BinaryCodedDecimal.TryDecode(bcd, out int value);
        bool digits = (bcd >> 4) <= 9 && (bcd & 0x0F) <= 9;
        return ok == digits && (!ok || BinaryCodedDecimal.Encode(value) == bcd);
    }

    [Property]
    public bool Hour_AnyModeAndHour_RoundTrips(byte raw, bool binary, bool hour24)
    {
        int hour = raw % 24;
        return CmosRtc.TryDecodeHour(CmosRtc.EncodeHour(hour, binary, hour24), binary, hour24, out int decoded) && decoded == hour;
    }

    /// <summary>Whatever time the guest writes in whatever mode, reading it back (same mode) gives the same fields.</summary>
    [Property(MaxTest = 200)]
    public bool SetClock_AnyValidTimeAnyMode_ReadsBack(uint seconds, bool binary, bool hour24)
    {
        var time = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds % (100L * 365 * 86400));
        var clock = new ManualTimeProvider(Start);
        var rtc = new CmosRtc(clock);
        byte mode = (byte)((binary ? 0x04 : 0) | (hour24 ? 0x02 : 0));
        WriteRegister(rtc, 0x0B, (byte)(0x80 | mode));
        byte Field(int v) => binary ? (byte)v : BinaryCodedDecimal.Encode(v);
        WriteRegister(rtc, 0x00, Field(time.Second));
        WriteRegister(rtc, 0x02, Field(time.Minute));
        WriteRegister(rtc, 0x04, CmosRtc.EncodeHour(time.Hour, binary, hour24));
        WriteRegister(rtc, 0x07, Field(time.Day));
        WriteRegister(rtc, 0x08, Field(time.Month));
        WriteRegister(rtc, 0x09, Field(time.Year % 100));
        WriteRegister(rtc, CmosRtc.CenturyRegister, Field(time.Year / 100));
        WriteRegister(rtc, 0x0B, mode);

        return TruncateToSecond(rtc.GuestTime) == time
            && ReadRegister(rtc, 0x04) == CmosRtc.EncodeHour(time.Hour, binary, hour24)
            && ReadRegister(rtc, 0x07) == Field(time.Day)
            && ReadRegister(rtc, 0x06) == Field((int)time.DayOfWeek + 1);
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));

    private static byte ReadRegister(CmosRtc rtc, byte index)
    {
        rtc.Write(0, [index]);
        var data = new byte[1];
        rtc.Read(1, data);
        return data[0];
    }

    private static void WriteRegister(CmosRtc rtc, byte index, byte value)
    {
        rtc.Write(0, [index]);
        rtc.Write(1, [value]);
    }
}
