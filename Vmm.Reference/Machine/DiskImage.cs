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
        if (!File.Exists(config.Path))
        {
            throw new VmmException(ExitCode.DiskNotFound, Directory.Exists(config.Path) ? $"disk image {config.Path} is a directory" : $"disk image {config.Path} does not exist");
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(config.Path, FileMode.Open, config.ReadOnly ? FileAccess.Read : FileAccess.ReadWrite, FileShare.ReadWrite);
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
