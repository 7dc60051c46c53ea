using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

/// <summary>A fake MSI-X table: vector i sends message (0xfee00000, 0x40 + i) to a recording MSI sink.</summary>
public sealed class RecordingMsiVectors(int count) : IInterruptVectors, IMsiSink
{
    private readonly List<MsiMessage> _sent = [];

    public int VectorCount => count;

    public IReadOnlyList<MsiMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public static MsiMessage MessageOf(int vector) => new(0xfee0_0000, 0x40 + (uint)vector);

    public void Trigger(int vector)
    {
        Assert.InRange(vector, 0, count - 1);
        Send(MessageOf(vector));
    }

    public void Send(in MsiMessage message)
    {
        lock (_sent)
        {
            _sent.Add(message);
        }
    }
}
