using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// The GSI routing of a PC: ISA IRQs 0–15 reach the in-kernel PIC pins and the IOAPIC, IRQ 0 (the PIT)
/// arriving on IOAPIC pin 2 (IRQ 2 is the PIC cascade), as the MP table and the MADT's interrupt source
/// override tell the guest; GSIs 16–23 reach IOAPIC pins 16–23. KVM's default routes IRQ 0 to pin 0, which
/// would contradict the tables.
/// </summary>
internal static class InterruptRouting
{
    private const int IoApicPins = 24;

    public static void Apply(VirtualMachine vm)
    {
        using var table = new GsiRoutingTable(48);
        for (uint gsi = 0; gsi < 16; gsi++)
        {
            if (gsi != 2)
            {
                table.AddIrqChip(gsi, gsi < 8 ? IrqChip.PicMaster : IrqChip.PicSlave, gsi % 8);
            }
        }

        for (uint gsi = 0; gsi < IoApicPins; gsi++)
        {
            if (gsi != 2)
            {
                table.AddIrqChip(gsi, IrqChip.IoApic, gsi == 0 ? 2u : gsi);
            }
        }

        vm.SetGsiRouting(table);
    }
}
