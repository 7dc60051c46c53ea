using Vmm.Devices;

namespace Vmm.Benchmarks.Virtio;

/// <summary>An interrupt line that goes nowhere: device-side benchmarks measure the device, not interrupt delivery.</summary>
internal sealed class NullInterruptLine : IInterruptLine
{
    public void Raise()
    {
    }

    public void Lower()
    {
    }

    public void Pulse()
    {
    }
}
