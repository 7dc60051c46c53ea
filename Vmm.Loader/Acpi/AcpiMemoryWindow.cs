namespace Vmm.Loader.Acpi;

/// <summary>A guest-physical memory window a device decodes (must be non-empty and lie below 4 GiB).</summary>
/// <param name="BaseAddress">The first byte.</param>
/// <param name="Size">The size in bytes.</param>
public readonly record struct AcpiMemoryWindow(ulong BaseAddress, ulong Size);
