namespace Vmm.Reference;

/// <summary>
/// The process exit codes of <c>vmm</c>. Each outcome has its own code so scripts can tell them apart;
/// the table is documented in Vmm.Reference/README.md.
/// </summary>
internal enum ExitCode
{
    /// <summary>The guest powered off (ACPI S5, or a clean shutdown request).</summary>
    GuestPowerOff = 0,

    /// <summary>An error inside the VMM (a bug, or an unexpected KVM failure).</summary>
    VmmError = 1,

    /// <summary>The command line or the JSON config is invalid.</summary>
    Usage = 2,

    /// <summary>The guest asked for a reboot (i8042 reset, ACPI reset register); vmm exits instead of rebooting.</summary>
    GuestReboot = 3,

    /// <summary>The guest kernel panicked.</summary>
    GuestPanic = 4,

    /// <summary>The guest triple-faulted (KVM shutdown exit), which is also how <c>reboot=t</c> reboots.</summary>
    GuestTripleFault = 5,

    /// <summary>The guest stopped in a way vmm cannot continue (an instruction the host cannot emulate, an internal KVM error).</summary>
    GuestFault = 6,

    /// <summary>The kernel file is missing or unreadable.</summary>
    KernelNotFound = 10,

    /// <summary>The kernel file is not a kernel vmm can load.</summary>
    InvalidKernel = 11,

    /// <summary>The initrd file is missing or unreadable.</summary>
    InitrdNotFound = 12,

    /// <summary>A disk image is missing or unreadable.</summary>
    DiskNotFound = 13,

    /// <summary>A disk image is already in use by another process.</summary>
    DiskInUse = 14,

    /// <summary>The memory size is too small for the kernel and initrd, or larger than the host allows.</summary>
    InvalidMemorySize = 15,

    /// <summary>The kernel command line is invalid or too long for the kernel.</summary>
    InvalidCommandLine = 16,

    /// <summary><c>/dev/kvm</c> is missing or not accessible.</summary>
    KvmUnavailable = 17,

    /// <summary>A tap given with --net does not exist in vmm's network namespace, is not a tap, or may not be used.</summary>
    TapNotFound = 18,

    /// <summary>A tap given with --net is attached to another process.</summary>
    TapInUse = 19,

    /// <summary><c>/dev/net/tun</c> is missing or cannot be opened.</summary>
    TunUnavailable = 20,

    /// <summary>The vsock guest CID is reserved (0 hypervisor, 1 local, 2 host) or above 4294967294.</summary>
    VsockCidInvalid = 21,

    /// <summary>The vsock Unix socket path is already taken, or the socket cannot be created there.</summary>
    VsockSocketUnavailable = 22,

    /// <summary>Stopped by SIGINT.</summary>
    Interrupted = 130,

    /// <summary>Stopped by SIGTERM.</summary>
    Terminated = 143,
}
