namespace Vmm.Virtio.Tests.Support;

/// <summary>A clock that moves only when told (nanosecond timestamps).</summary>
public sealed class FakeClock : TimeProvider
{
    public long Now { get; set; } = 1_000_000_000;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => Now;

    public void Advance(TimeSpan by) => Now += (long)(by.Ticks * 100);
}
