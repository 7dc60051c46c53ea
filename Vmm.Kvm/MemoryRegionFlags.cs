namespace Vmm.Kvm;

/// <summary>Flags of a guest memory slot (KVM_MEM_*).</summary>
[Flags]
public enum MemoryRegionFlags : uint
{
    /// <summary>Plain read/write memory.</summary>
    None = 0,

    /// <summary>KVM_MEM_LOG_DIRTY_PAGES: track writes for <see cref="VirtualMachine.GetDirtyLog"/>.</summary>
    LogDirtyPages = 1,

    /// <summary>KVM_MEM_READONLY: guest writes exit as MMIO.</summary>
    ReadOnly = 2,
}
