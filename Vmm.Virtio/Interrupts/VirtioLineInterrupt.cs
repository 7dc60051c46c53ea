using Vmm.Devices;

namespace Vmm.Virtio;

/// <summary>
/// Every interrupt of a device on one line, as virtio-mmio and PCI INTx deliver them: the driver reads the interrupt
/// status to learn why. The line is pulsed (an edge: a KVM irqfd).
/// </summary>
public sealed class VirtioLineInterrupt : IVirtioInterrupt
{
    private readonly IInterruptLine _line;

    /// <summary>Delivers through <paramref name="line"/>.</summary>
    public VirtioLineInterrupt(IInterruptLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _line = line;
    }

    /// <inheritdoc/>
    public void SignalQueue(int queueIndex) => _line.Pulse();

    /// <inheritdoc/>
    public void SignalConfigChange() => _line.Pulse();
}
