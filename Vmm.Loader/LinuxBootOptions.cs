using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>What <see cref="LinuxBoot"/> writes besides the kernel: command line, initrd, reserved ranges, RSDP.</summary>
public sealed record LinuxBootOptions
{
    /// <summary>The kernel command line (its capacity is checked against the kernel's <c>cmdline_size</c>).</summary>
    public required KernelCommandLine CommandLine { get; init; }

    /// <summary>The initrd (e.g. a newc cpio archive), or empty for none.</summary>
    public ReadOnlyMemory<byte> Initrd { get; init; }

    /// <summary>Extra ranges to mark reserved in the E820 map (e.g. MMIO windows the guest must not claim).</summary>
    public IReadOnlyList<GuestRange> ReservedRanges { get; init; } = [];

    /// <summary>The ACPI RSDP address to hand the kernel (zero page <c>acpi_rsdp_addr</c> / PVH <c>rsdp_paddr</c>), or null.</summary>
    public GuestAddress? AcpiRsdp { get; init; }
}
