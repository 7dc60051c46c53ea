using Microsoft.Win32.SafeHandles;
using Vmm.Reference.Configuration;
using Vmm.Reference.Interop;

namespace Vmm.Reference.Machine;

/// <summary>
/// A disk image opened for a virtio-blk device and locked (<c>flock(LOCK_EX|LOCK_NB)</c>) so that a
/// second vmm cannot use it at the same time. Opening never modifies the file.
/// </summary>
internal sealed class DiskImage : IDisposable
{
    private const int SharingViolation = unchecked((int)0x80070020);

    private DiskImage(DiskConfig config, SafeFileHandle handle, long length)
    {
        Config = config;
        Handle = handle;
        Length = length;
    }

    public DiskConfig Config { get; }

    public SafeFileHandle Handle { get; }

    public long Length { get; }

    public static DiskImage Open(DiskConfig config)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(config.Path, FileMode.Open, config.ReadOnly ? FileAccess.Read : FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (IOException e) when (e.HResult == SharingViolation)
        {
            // .NET takes a shared flock when it opens a file read-only; another vmm's exclusive lock refuses it.
            throw new VmmException(ExitCode.DiskInUse, $"disk image {config.Path} is in use by another process", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VmmException(ExitCode.DiskNotFound, $"cannot open disk image {config.Path}: {e.Message}", e);
        }

        try
        {
            if (Directory.Exists(config.Path))
            {
                throw new VmmException(ExitCode.DiskNotFound, $"disk image {config.Path} is a directory");
            }

            if (HostLibc.Flock((int)handle.DangerousGetHandle(), HostLibc.LockExclusive | HostLibc.LockNonBlocking) != 0)
            {
                throw new VmmException(ExitCode.DiskInUse, $"disk image {config.Path} is in use by another process");
            }

            long length = RandomAccess.GetLength(handle);
            if (length < 512)
            {
                throw new VmmException(ExitCode.DiskNotFound, $"disk image {config.Path} is smaller than one 512-byte sector");
            }

            return new DiskImage(config, handle, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();
}
