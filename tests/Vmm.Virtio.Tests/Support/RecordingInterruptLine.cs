using Vmm.Devices;

namespace Vmm.Virtio.Tests.Support;

public sealed class RecordingInterruptLine : IInterruptLine
{
    private int _pulses;

    public int Pulses => Volatile.Read(ref _pulses);

    public void Raise() => throw new InvalidOperationException("virtio-mmio interrupts are edges");

    public void Lower() => throw new InvalidOperationException("virtio-mmio interrupts are edges");

    public void Pulse() => Interlocked.Increment(ref _pulses);
}
