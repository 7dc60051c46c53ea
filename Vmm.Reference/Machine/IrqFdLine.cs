using Vmm.Devices;
using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// An edge-triggered interrupt line backed by a KVM irqfd: <see cref="Pulse"/> is one eventfd write,
/// and KVM injects the interrupt without a return to userspace. Used by virtio-mmio devices.
/// </summary>
internal sealed class IrqFdLine : IInterruptLine, IDisposable
{
    private readonly EventFd _eventFd;

    public IrqFdLine(VirtualMachine vm, uint gsi)
    {
        _eventFd = new EventFd();
        vm.RegisterIrqFd(_eventFd, gsi);
    }

    public void Raise() => _eventFd.Write();

    public void Lower()
    {
    }

    public void Pulse() => _eventFd.Write();

    public void Dispose() => _eventFd.Dispose();
}
