namespace Vmm.Loader;

/// <summary>How a kernel was placed in guest memory.</summary>
public enum KernelImageKind
{
    /// <summary>An ELF64 <c>vmlinux</c> loaded segment by segment.</summary>
    ElfVmlinux = 0,

    /// <summary>A bzImage whose protected-mode code (with the kernel's own decompressor) was copied as is.</summary>
    BzImage = 1,

    /// <summary>A bzImage whose payload was decompressed on the host and loaded as an ELF <c>vmlinux</c>.</summary>
    BzImageDecompressed = 2,
}
