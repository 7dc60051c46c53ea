using Vmm.Devices;

namespace Vmm.Devices.Tests;

/// <summary>A device that remembers its accesses and answers reads with its id.</summary>
internal sealed class RecordingDevice(byte id) : IPioDevice, IMmioDevice
{
    public byte Id { get; } = id;

    public int Accesses { get; private set; }

    public ulong LastOffset { get; private set; }

    public int LastLength { get; private set; }

    public byte LastWritten { get; private set; }

    public void Read(ushort offset, Span<byte> data) => Read((ulong)offset, data);

    public void Write(ushort offset, ReadOnlySpan<byte> data) => Write((ulong)offset, data);

    public void Read(ulong offset, Span<byte> data)
    {
        Record(offset, data.Length);
        data.Fill(Id);
    }

    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        Record(offset, data.Length);
        LastWritten = data[0];
    }

    private void Record(ulong offset, int length)
    {
        Accesses++;
        LastOffset = offset;
        LastLength = length;
    }
}
