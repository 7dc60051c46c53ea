using System.Globalization;
using System.Text;

namespace Vmm.Loader.Initramfs;

/// <summary>
/// Writes a cpio archive in the "newc" format (magic <c>070701</c>, ASCII hex headers, no CRC) that the
/// Linux kernel unpacks as an initramfs: headers and data 4-byte aligned, uncompressed, ending with the
/// <c>TRAILER!!!</c> entry. Entries get distinct inode numbers, uid/gid 0 by default and mtime 0, so the
/// same input always gives the same bytes.
/// </summary>
/// <example><code>
/// using var writer = new CpioArchiveWriter(File.Create("initramfs.cpio"));
/// writer.AddDirectory("dev");
/// writer.AddCharacterDevice("dev/console", 5, 1);
/// writer.AddFile("init", File.ReadAllBytes("init"), mode: 0x1ED);
/// writer.AddSymlink("bin/sh", "busybox");
/// writer.Finish();
/// </code></example>
public sealed class CpioArchiveWriter : IDisposable
{
    /// <summary>The name of the entry that ends an archive.</summary>
    public const string TrailerName = "TRAILER!!!";

    private const int HeaderSize = 110;
    private const int TypeDirectory = 0x4000;        // S_IFDIR 0040000
    private const int TypeCharacterDevice = 0x2000;  // S_IFCHR 0020000
    private const int TypeRegular = 0x8000;          // S_IFREG 0100000
    private const int TypeSymlink = 0xA000;          // S_IFLNK 0120000
    private const int PermissionMask = 0xFFF;        // 07777

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private uint _nextInode = 1;
    private long _position;
    private bool _finished;
    private bool _disposed;

    /// <summary>Creates a writer that writes to <paramref name="output"/>.</summary>
    /// <param name="output">A writable stream; the archive starts at its current position.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="output"/> open.</param>
    public CpioArchiveWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream is not writable.", nameof(output));
        }

        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The number of bytes written so far.</summary>
    public long Length => _position;

    /// <summary>Adds a directory (parents are not created implicitly: add them first).</summary>
    /// <param name="path">A relative path such as "usr/bin": no leading '/', no "." or ".." components, no NUL.</param>
    /// <param name="mode">Permission bits (07777 at most), 0755 by default.</param>
    /// <param name="userId">Owner user id.</param>
    /// <param name="groupId">Owner group id.</param>
    public void AddDirectory(string path, int mode = 0x1ED, int userId = 0, int groupId = 0) =>
        WriteEntry(path, TypeDirectory, mode, userId, groupId, links: 2, 0, 0, []);

    /// <summary>Adds a regular file with <paramref name="content"/>.</summary>
    /// <param name="path">A relative path (see <see cref="AddDirectory"/>).</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="mode">Permission bits (07777 at most), 0644 by default.</param>
    /// <param name="userId">Owner user id.</param>
    /// <param name="groupId">Owner group id.</param>
    public void AddFile(string path, ReadOnlySpan<byte> content, int mode = 0x1A4, int userId = 0, int groupId = 0) =>
        WriteEntry(path, TypeRegular, mode, userId, groupId, links: 1, 0, 0, content);

    /// <summary>Adds a symbolic link at <paramref name="path"/> pointing to <paramref name="target"/> (mode 0777).</summary>
    public void AddSymlink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (target.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A symlink target cannot contain NUL.", nameof(target));
        }

        WriteEntry(path, TypeSymlink, 0x1FF, 0, 0, links: 1, 0, 0, Encoding.UTF8.GetBytes(target));
    }

    /// <summary>Adds a character device node such as "dev/console" (5, 1).</summary>
    /// <param name="path">A relative path (see <see cref="AddDirectory"/>).</param>
    /// <param name="major">The device major number (0–4095, Linux's limit).</param>
    /// <param name="minor">The device minor number (0–1048575).</param>
    /// <param name="mode">Permission bits (07777 at most), 0600 by default.</param>
    public void AddCharacterDevice(string path, int major, int minor, int mode = 0x180)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(major, 0xFFF);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minor, 0xFFFFF);
        WriteEntry(path, TypeCharacterDevice, mode, 0, 0, links: 1, (uint)major, (uint)minor, []);
    }

    /// <summary>Writes the trailer entry; no entries can follow. Calling it again does nothing.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            return;
        }

        WriteRecord(TrailerName, inode: 0, mode: 0, 0, 0, links: 1, 0, 0, []);
        _output.Flush();
        _finished = true;
    }

    /// <summary>Finishes the archive if <see cref="Finish"/> was not called, then closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            Finish();
        }
        finally
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _output.Dispose();
            }
        }
    }

    private void WriteEntry(string path, int type, int mode, int userId, int groupId, int links, uint rdevMajor, uint rdevMinor, ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            throw new InvalidOperationException("The archive is finished: no entries can follow the trailer.");
        }

        ValidatePath(path);
        if (mode is < 0 or > PermissionMask)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Mode holds permission bits only (07777 at most); the entry type comes from the method.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(groupId);
        WriteRecord(path, _nextInode++, (uint)(type | mode), (uint)userId, (uint)groupId, (uint)links, rdevMajor, rdevMinor, data);
    }

    private void WriteRecord(string name, uint inode, uint mode, uint userId, uint groupId, uint links, uint rdevMajor, uint rdevMinor, ReadOnlySpan<byte> data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder(HeaderSize);
        header.Append("070701");
        foreach (uint field in (ReadOnlySpan<uint>)[inode, mode, userId, groupId, links, 0 /* mtime */, (uint)data.Length, 0, 0, rdevMajor, rdevMinor, (uint)nameBytes.Length + 1, 0 /* check */])
        {
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        }

        Write(Encoding.ASCII.GetBytes(header.ToString()));
        Write(nameBytes);
        Write([0]);
        Pad();
        Write(data);
        Pad();
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    private void Pad()
    {
        int padding = (int)((4 - (_position & 3)) & 3);
        Write(stackalloc byte[padding]);
    }

    private static void ValidatePath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal) || path == TrailerName)
        {
            throw new ArgumentException($"Archive path '{path}' must be relative, without NUL, and not the trailer name.", nameof(path));
        }

        foreach (string component in path.Split('/'))
        {
            if (component is "" or "." or "..")
            {
                throw new ArgumentException($"Archive path '{path}' has an empty, '.' or '..' component.", nameof(path));
            }
        }
    }
}
