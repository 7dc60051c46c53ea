using Vmm.Devices;
using Vmm.Kvm;

namespace Vmm.Samples;

/// <summary>
/// An edge-triggered interrupt line backed by a KVM irqfd (for virtio-mmio devices): a pulse is one eventfd write, and
/// KVM injects the interrupt on its GSI without a return to the VMM.
/// </summary>
internal sealed class IrqFdLine : IInterruptLine, IDisposable
{
    private readonly EventFd _eventFd = new();

    public IrqFdLine(VirtualMachine vm, uint gsi) => vm.RegisterIrqFd(_eventFd, gsi);

    public void Raise() => _eventFd.Write();

    public void Lower()
    {
    }

    public void Pulse() => _eventFd.Write();

    public void Dispose() => _eventFd.Dispose();
}
