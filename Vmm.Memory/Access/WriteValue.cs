using System.Runtime.CompilerServices;

namespace Vmm.Memory.Access;

/// <summary>
/// Stores one value when the walk offers it whole (inside one region); otherwise handles nothing, so a value that a
/// region boundary splits is left to the byte-wise path.
/// </summary>
internal readonly unsafe struct WriteValue<T>(T value) : IRegionAccess
    where T : unmanaged
{
    private readonly T _value = value;

    /// <inheritdoc/>
    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done)
    {
        if (length != (ulong)sizeof(T))
        {
            return 0;
        }

        Unsafe.WriteUnaligned(region.Host + offset, _value);
        return length;
    }
}
