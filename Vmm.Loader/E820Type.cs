namespace Vmm.Loader;

/// <summary>The type of an E820 memory map entry.</summary>
public enum E820Type : uint
{
    /// <summary>Usable RAM.</summary>
    Ram = 1,

    /// <summary>Reserved: the guest must not use it.</summary>
    Reserved = 2,

    /// <summary>ACPI reclaimable (tables the OS may reclaim after reading them).</summary>
    Acpi = 3,

    /// <summary>ACPI NVS.</summary>
    Nvs = 4,

    /// <summary>Unusable memory.</summary>
    Unusable = 5,
}
