namespace Vmm.Devices.Legacy;

/// <summary>Everything a <see cref="CmosRtc"/> needs to resume where it was: plain data, serialisable as is.</summary>
public sealed record CmosRtcState
{
    /// <summary>The selected register index (0–127).</summary>
    public byte Index { get; init; }

    /// <summary>Whether NMIs are masked (bit 7 of the last index write).</summary>
    public bool NmiMasked { get; init; }

    /// <summary>How far the guest's clock is from the host's (the guest set its clock).</summary>
    public TimeSpan ClockOffset { get; init; }

    /// <summary>The 128 bytes of CMOS: the clock fields as last frozen (while status B's SET bit holds them), the status registers, the alarm registers and the RAM.</summary>
    public byte[] Registers { get; init; } = new byte[CmosRtc.RegisterCount];

    /// <summary>The second (of the guest clock, as Unix seconds) when status C was last read, for its update-ended flag.</summary>
    public long LastStatusCReadSecond { get; init; }
}
