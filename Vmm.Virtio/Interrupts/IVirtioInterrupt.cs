namespace Vmm.Virtio;

/// <summary>
/// How a transport delivers a device's interrupts: per queue and for configuration changes, so that a transport with
/// one vector per queue (virtio-pci with MSI-X) and one with a single line (virtio-mmio, PCI INTx) serve the same
/// devices unchanged. <see cref="VirtioCommonConfig"/> sets the interrupt status bits before calling it.
/// Implementations must be safe to call from any thread and must not block.
/// </summary>
public interface IVirtioInterrupt
{
    /// <summary>Queue <paramref name="queueIndex"/> has new used buffers.</summary>
    void SignalQueue(int queueIndex);

    /// <summary>The device configuration changed (or the device needs a reset).</summary>
    void SignalConfigChange();
}
