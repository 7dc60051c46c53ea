using Microsoft.Win32.SafeHandles;

namespace Vmm.Memory.Access;

/// <summary>Writes guest memory straight to a file (pwrite).</summary>
internal readonly unsafe struct WriteToFileAccess(SafeFileHandle file, long fileOffset) : IRegionAccess
{
    private readonly SafeFileHandle _file = file;
    private readonly long _fileOffset = fileOffset;

    /// <inheritdoc/>
    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done)
    {
        RandomAccess.Write(_file, new ReadOnlySpan<byte>(region.Host + offset, (int)length), _fileOffset + (long)done);
        return length;
    }
}
