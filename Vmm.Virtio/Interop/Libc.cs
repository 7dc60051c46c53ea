using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vmm.Virtio.Interop;

internal static partial class Libc
{
    internal const int FallocKeepSize = 0x01;
    internal const int FallocPunchHole = 0x02;
    internal const int FallocZeroRange = 0x10;
    internal const int EOPNOTSUPP = 95;

    internal const int EINTR = 4;

    /// <summary>getrandom(2): the kernel's CSPRNG, without loading a crypto library into the VMM.</summary>
    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    internal static unsafe partial nint GetRandom(byte* buffer, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int Fdatasync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fallocate64", SetLastError = true)]
    internal static partial int Fallocate(SafeFileHandle fd, int mode, long offset, long length);
}
