namespace Vmm.Loader;

/// <summary>The CPU mode the boot vCPU starts in.</summary>
public enum X86BootMode
{
    /// <summary>64-bit long mode with identity-mapped paging: the Linux 64-bit boot protocol (RSI = zero page).</summary>
    LongMode = 0,

    /// <summary>32-bit protected mode, paging off: the PVH boot protocol (EBX = hvm_start_info).</summary>
    ProtectedMode = 1,
}
