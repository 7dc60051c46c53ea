using Vmm.Devices;
using Vmm.Kvm;

namespace Vmm.Samples;

/// <summary>A level-driven interrupt line on the in-kernel PIC/IOAPIC (<c>KVM_IRQ_LINE</c>), as a UART's wire needs.</summary>
internal sealed class KvmIrqLine(VirtualMachine vm, uint irq) : IInterruptLine
{
    public void Raise() => vm.SetIrqLine(irq, true);

    public void Lower() => vm.SetIrqLine(irq, false);

    public void Pulse()
    {
        vm.SetIrqLine(irq, true);
        vm.SetIrqLine(irq, false);
    }
}
