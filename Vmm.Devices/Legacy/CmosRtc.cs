namespace Vmm.Devices.Legacy;

/// <summary>
/// The PC's CMOS real-time clock (an MC146818): the index port 0x70 (bit 7 masks NMIs) and the data port 0x71
/// over 128 bytes of CMOS — the wall clock in BCD or binary and 12- or 24-hour form per status register B,
/// the alarm registers, status registers A–D with the update-in-progress flag, and the battery-backed RAM.
/// </summary>
/// <remarks>
/// <para>Registration: one range of <see cref="PortCount"/> ports at <see cref="DefaultBasePort"/>.</para>
/// <para>Time comes from an injectable <see cref="TimeProvider"/>. The guest may set the clock (by setting status B's
/// SET bit, writing the fields, clearing SET, or by writing a field directly); the device keeps the difference as an
/// offset and never changes the host's clock. Field values the guest writes that are not a valid date leave the clock
/// as it was. Update-in-progress (status A bit 7) reads set during the last 244 µs of each second, as on the MC146818.</para>
/// <para>No interrupt is generated (no IRQ 8): periodic, alarm and update-ended interrupts are not delivered; status C
/// reports the update-ended flag when a second has passed since it was last read.</para>
/// </remarks>
public sealed class CmosRtc : IPioDevice
{
    /// <summary>The index port.</summary>
    public const ushort DefaultBasePort = 0x70;

    /// <summary>How many ports the device decodes (0x70 index, 0x71 data).</summary>
    public const int PortCount = 2;

    /// <summary>How many CMOS bytes there are.</summary>
    public const int RegisterCount = 128;

    /// <summary>The century register (the ACPI FADT's default CENTURY index).</summary>
    public const byte CenturyRegister = 0x32;

    private const byte Seconds = 0x00, SecondsAlarm = 0x01, Minutes = 0x02, MinutesAlarm = 0x03, Hours = 0x04, HoursAlarm = 0x05;
    private const byte DayOfWeek = 0x06, DayOfMonth = 0x07, Month = 0x08, Year = 0x09;
    private const byte StatusA = 0x0A, StatusB = 0x0B, StatusC = 0x0C, StatusD = 0x0D;
    private const byte StatusAUpdateInProgress = 0x80;
    private const byte StatusBSet = 0x80, StatusBUpdateInterrupt = 0x10, StatusBBinary = 0x04, StatusB24Hour = 0x02;
    private const byte StatusCInterruptRequest = 0x80, StatusCUpdateEnded = 0x10;
    private const byte StatusDValidRam = 0x80;
    private const byte HourPm = 0x80;
    private static readonly TimeSpan UpdateInProgressWindow = TimeSpan.FromTicks(2440); // 244 µs

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly byte[] _cmos = new byte[RegisterCount];
    private byte _index;
    private bool _nmiMasked;
    private TimeSpan _offset;
    private long _lastStatusCReadSecond;

    /// <summary>Creates a clock reading <paramref name="timeProvider"/> (the system clock when null), in 24-hour BCD mode as PC firmware leaves it.</summary>
    public CmosRtc(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _cmos[StatusA] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate
        _cmos[StatusB] = StatusB24Hour;
        _cmos[StatusD] = StatusDValidRam;
        _lastStatusCReadSecond = GuestNow().ToUnixTimeSeconds();
    }

    /// <summary>Whether the guest has masked NMIs through bit 7 of the index port.</summary>
    public bool NmiMasked
    {
        get
        {
            lock (_lock)
            {
                return _nmiMasked;
            }
        }
    }

    /// <summary>The guest's current wall-clock time (the host's plus whatever offset the guest set).</summary>
    public DateTimeOffset GuestTime
    {
        get
        {
            lock (_lock)
            {
                return GuestNow();
            }
        }
    }

    /// <inheritdoc/>
    public void Read(ushort offset, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            data[0] = offset switch
            {
                0 => (byte)(_index | (_nmiMasked ? 0x80 : 0)),
                1 => ReadRegister(_index),
                _ => 0xFF,
            };
        }

        data[1..].Fill(0xFF);
    }

    /// <inheritdoc/>
    public void Write(ushort offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            if (offset == 0)
            {
                _index = (byte)(data[0] & 0x7F);
                _nmiMasked = (data[0] & 0x80) != 0;
            }
            else if (offset == 1)
            {
                WriteRegister(_index, data[0]);
            }
        }
    }

    /// <summary>Captures the clock's state.</summary>
    public CmosRtcState CaptureState()
    {
        lock (_lock)
        {
            return new CmosRtcState
            {
                Index = _index,
                NmiMasked = _nmiMasked,
                ClockOffset = _offset,
                Registers = (byte[])_cmos.Clone(),
                LastStatusCReadSecond = _lastStatusCReadSecond,
            };
        }
    }

    /// <summary>Restores a captured state.</summary>
    /// <exception cref="ArgumentException">The state does not hold exactly 128 CMOS bytes.</exception>
    public void RestoreState(CmosRtcState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Registers is not { Length: RegisterCount })
        {
            throw new ArgumentException($"The state must hold {RegisterCount} CMOS bytes.", nameof(state));
        }

        lock (_lock)
        {
            _index = (byte)(state.Index & 0x7F);
            _nmiMasked = state.NmiMasked;
            _offset = state.ClockOffset;
            state.Registers.CopyTo(_cmos, 0);
            _lastStatusCReadSecond = state.LastStatusCReadSecond;
        }
    }

    private bool Binary => (_cmos[StatusB] & StatusBBinary) != 0;

    private bool Hour24 => (_cmos[StatusB] & StatusB24Hour) != 0;

    private bool Frozen => (_cmos[StatusB] & StatusBSet) != 0;

    private DateTimeOffset GuestNow() => _time.GetUtcNow() + _offset;

    private byte ReadRegister(byte index)
    {
        switch (index)
        {
            case Seconds or Minutes or Hours or DayOfWeek or DayOfMonth or Month or Year or CenturyRegister:
                if (!Frozen)
                {
                    LatchClock(GuestNow());
                }

                return _cmos[index];
            case StatusA:
                var now = GuestNow();
                bool updating = !Frozen && TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (now.Ticks % TimeSpan.TicksPerSecond)) <= UpdateInProgressWindow;
                return (byte)((_cmos[StatusA] & 0x7F) | (updating ? StatusAUpdateInProgress : 0));
            case StatusC:
                long second = GuestNow().ToUnixTimeSeconds();
                bool updateEnded = second != _lastStatusCReadSecond && !Frozen;
                _lastStatusCReadSecond = second;
                int flags = updateEnded ? StatusCUpdateEnded : 0;
                if (updateEnded && (_cmos[StatusB] & StatusBUpdateInterrupt) != 0)
                {
                    flags |= StatusCInterruptRequest;
                }

                return (byte)flags;
            case StatusD:
                return StatusDValidRam;
            default:
                return _cmos[index];
        }
    }

    private void WriteRegister(byte index, byte value)
    {
        switch (index)
        {
            case Seconds or Minutes or Hours or DayOfWeek or DayOfMonth or Month or Year or CenturyRegister:
                if (!Frozen)
                {
                    LatchClock(GuestNow());
                    _cmos[index] = value;
                    ApplyLatchedClock();
                }
                else
                {
                    _cmos[index] = value;
                }

                break;
            case StatusA:
                _cmos[StatusA] = (byte)(value & 0x7F);
                break;
            case StatusB:
                bool wasFrozen = Frozen;
                if (!wasFrozen && (value & StatusBSet) != 0)
                {
                    LatchClock(GuestNow()); // SET freezes the fields at their current values
                }

                _cmos[StatusB] = value;
                if (wasFrozen && !Frozen)
                {
                    ApplyLatchedClock();
                }

                break;
            case StatusC:
            case StatusD:
                break; // read-only
            default:
                _cmos[index] = value;
                break;
        }
    }

    /// <summary>Writes <paramref name="time"/> into the clock fields in the current data mode.</summary>
    private void LatchClock(DateTimeOffset time)
    {
        _cmos[Seconds] = EncodeField(time.Second);
        _cmos[Minutes] = EncodeField(time.Minute);
        _cmos[Hours] = EncodeHour(time.Hour, Binary, Hour24);
        _cmos[DayOfWeek] = EncodeField((int)time.DayOfWeek + 1);
        _cmos[DayOfMonth] = EncodeField(time.Day);
        _cmos[Month] = EncodeField(time.Month);
        _cmos[Year] = EncodeField(time.Year % 100);
        _cmos[CenturyRegister] = EncodeField(time.Year / 100);
    }

    /// <summary>Makes the clock fields the guest wrote the new guest time, if they form a valid date.</summary>
    private void ApplyLatchedClock()
    {
        if (TryDecodeField(_cmos[Seconds], out int second) && TryDecodeField(_cmos[Minutes], out int minute)
            && TryDecodeHour(_cmos[Hours], Binary, Hour24, out int hour) && TryDecodeField(_cmos[DayOfMonth], out int day)
            && TryDecodeField(_cmos[Month], out int month) && TryDecodeField(_cmos[Year], out int year)
            && TryDecodeField(_cmos[CenturyRegister], out int century)
            && second < 60 && minute < 60 && month is >= 1 and <= 12 && day >= 1 && century >= 1
            && day <= DateTime.DaysInMonth((century * 100) + year, month))
        {
            var set = new DateTimeOffset((century * 100) + year, month, day, hour, minute, second, TimeSpan.Zero);
            var now = _time.GetUtcNow();
            _offset = set - now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        }
    }

    private byte EncodeField(int value) => Binary ? (byte)value : BinaryCodedDecimal.Encode(value);

    private bool TryDecodeField(byte value, out int decoded)
    {
        if (Binary)
        {
            decoded = value;
            return value <= 99;
        }

        return BinaryCodedDecimal.TryDecode(value, out decoded);
    }

    /// <summary>Encodes an hour 0–23 in the clock's mode: 12-hour form is 1–12 with bit 7 for PM.</summary>
    internal static byte EncodeHour(int hour, bool binary, bool hour24)
    {
        if (hour24)
        {
            return binary ? (byte)hour : BinaryCodedDecimal.Encode(hour);
        }

        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        byte encoded = binary ? (byte)twelve : BinaryCodedDecimal.Encode(twelve);
        return hour >= 12 ? (byte)(encoded | HourPm) : encoded;
    }

    /// <summary>Decodes an hour field to 0–23; false when it is not a valid hour in that mode.</summary>
    internal static bool TryDecodeHour(byte value, bool binary, bool hour24, out int hour)
    {
        byte field = hour24 ? value : (byte)(value & ~HourPm);
        bool valid = binary ? (hour = field) >= 0 : BinaryCodedDecimal.TryDecode(field, out hour);
        if (hour24)
        {
            return valid && hour <= 23;
        }

        if (!valid || hour is < 1 or > 12)
        {
            hour = 0;
            return false;
        }

        bool pm = (value & HourPm) != 0;
        hour = (hour % 12) + (pm ? 12 : 0);
        return true;
    }
}
