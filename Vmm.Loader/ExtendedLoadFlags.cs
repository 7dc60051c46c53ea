namespace Vmm.Loader;

/// <summary>The setup header's <c>xloadflags</c> (offset 0x236, boot protocol 2.12 and later).</summary>
[Flags]
public enum ExtendedLoadFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>XLF_KERNEL_64</c>: the kernel has the legacy 64-bit entry point at load address + 0x200.</summary>
    Kernel64 = 0x01,

    /// <summary><c>XLF_CAN_BE_LOADED_ABOVE_4G</c>: kernel, boot_params, command line and initrd may live above 4 GiB.</summary>
    CanBeLoadedAbove4G = 0x02,

    /// <summary><c>XLF_EFI_HANDOVER_32</c>.</summary>
    EfiHandover32 = 0x04,

    /// <summary><c>XLF_EFI_HANDOVER_64</c>.</summary>
    EfiHandover64 = 0x08,

    /// <summary><c>XLF_EFI_KEXEC</c>.</summary>
    EfiKexec = 0x10,

    /// <summary><c>XLF_5LEVEL</c>: the kernel can boot with 5-level paging.</summary>
    FiveLevelPaging = 0x20,

    /// <summary><c>XLF_5LEVEL_ENABLED</c>.</summary>
    FiveLevelPagingEnabled = 0x40,
}
