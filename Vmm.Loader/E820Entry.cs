namespace Vmm.Loader;

/// <summary>One E820 entry (<c>struct boot_e820_entry</c>: 64-bit address, 64-bit size, 32-bit type; 20 bytes packed).</summary>
/// <param name="Address">The first byte.</param>
/// <param name="Size">The length in bytes (never 0).</param>
/// <param name="Type">What the range is.</param>
public readonly record struct E820Entry(ulong Address, ulong Size, E820Type Type)
{
    /// <summary>The size of the entry in the zero page and in PVH memory maps' E820-compatible part.</summary>
    public const int EncodedSize = 20;

    /// <summary>The address one past the last byte (as a 128-bit value: an entry may end at 2^64).</summary>
    public UInt128 End => (UInt128)Address + Size;
}
