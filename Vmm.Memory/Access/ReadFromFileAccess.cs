using Microsoft.Win32.SafeHandles;

namespace Vmm.Memory.Access;

/// <summary>Reads a file straight into guest memory (pread); a short read continues the walk, end of file stops it.</summary>
internal readonly unsafe struct ReadFromFileAccess(SafeFileHandle file, long fileOffset) : IRegionAccess
{
    private readonly SafeFileHandle _file = file;
    private readonly long _fileOffset = fileOffset;

    /// <inheritdoc/>
    public int Access(MemoryRegion region, ulong offset, int length, ulong done) =>
        RandomAccess.Read(_file, new Span<byte>(region.Host + offset, length), _fileOffset + (long)done);
}
