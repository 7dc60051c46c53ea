using Vmm.Devices;
using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// A level-driven interrupt line on the in-kernel IOAPIC/PIC through <c>KVM_IRQ_LINE</c>: the UART
/// raises and lowers it like the wire of a real COM port, so an edge reaches the guest only on a
/// low-to-high transition.
/// </summary>
internal sealed class KvmIrqLine : IInterruptLine
{
    private readonly VirtualMachine _vm;
    private readonly uint _irq;

    public KvmIrqLine(VirtualMachine vm, uint irq)
    {
        _vm = vm;
        _irq = irq;
    }

    public void Raise() => _vm.SetIrqLine(_irq, true);

    public void Lower() => _vm.SetIrqLine(_irq, false);

    public void Pulse()
    {
        _vm.SetIrqLine(_irq, true);
        _vm.SetIrqLine(_irq, false);
    }
}
