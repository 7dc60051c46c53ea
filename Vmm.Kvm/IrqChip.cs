namespace Vmm.Kvm;

/// <summary>The in-kernel interrupt controllers a GSI route can target (KVM_IRQCHIP_*).</summary>
public enum IrqChip : uint
{
    /// <summary>The master 8259 PIC.</summary>
    PicMaster = 0,

    /// <summary>The slave 8259 PIC.</summary>
    PicSlave = 1,

    /// <summary>The IOAPIC.</summary>
    IoApic = 2,
}
