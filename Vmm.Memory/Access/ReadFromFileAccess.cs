using Microsoft.Win32.SafeHandles;

namespace Vmm.Memory.Access;

/// <summary>Reads a file straight into guest memory (pread); a short read continues the walk, end of file stops it.</summary>
internal readonly unsafe struct ReadFromFileAccess(SafeFileHandle file, long fileOffset) : IRegionAccess
{
    private readonly SafeFileHandle _file = file;
    private readonly long _fileOffset = fileOffset;

    /// <inheritdoc/>
    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done) =>
        (ulong)RandomAccess.Read(_file, new Span<byte>(region.Host + offset, (int)length), _fileOffset + (long)done);
}
