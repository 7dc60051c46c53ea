using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vmm.Virtio.Interop;

internal static partial class Libc
{
    internal const int FallocKeepSize = 0x01;
    internal const int FallocPunchHole = 0x02;
    internal const int FallocZeroRange = 0x10;
    internal const int EOPNOTSUPP = 95;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int Fdatasync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fallocate64", SetLastError = true)]
    internal static partial int Fallocate(SafeFileHandle fd, int mode, long offset, long length);
}
