namespace Vmm.Loader;

/// <summary>The setup header's <c>loadflags</c> byte (offset 0x211).</summary>
[Flags]
public enum SetupLoadFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>LOADED_HIGH</c>: the protected-mode code is loaded at 1 MiB (a bzImage), not at 0x10000.</summary>
    LoadedHigh = 0x01,

    /// <summary><c>KASLR_FLAG</c>: set by the kernel's decompressor when it randomised its address.</summary>
    KaslrFlag = 0x02,

    /// <summary><c>QUIET_FLAG</c>: the decompressor prints nothing.</summary>
    QuietFlag = 0x20,

    /// <summary><c>KEEP_SEGMENTS</c>: obsolete 32-bit protocol flag (do not reload segment registers).</summary>
    KeepSegments = 0x40,

    /// <summary><c>CAN_USE_HEAP</c>: <c>heap_end_ptr</c> is valid.</summary>
    CanUseHeap = 0x80,
}
