namespace Vmm.Kvm;

/// <summary>The address space an ioeventfd or coalesced zone watches.</summary>
public enum IoEventSpace
{
    /// <summary>Guest-physical memory (MMIO).</summary>
    Mmio = 0,

    /// <summary>The x86 I/O port space.</summary>
    Pio = 1,
}
