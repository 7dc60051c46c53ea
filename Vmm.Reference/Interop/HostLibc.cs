using System.Runtime.InteropServices;

namespace Vmm.Reference.Interop;

internal static partial class HostLibc
{
    internal const int TcsaNow = 0;
    internal const int LockExclusive = 2;
    internal const int LockNonBlocking = 4;
    internal const int EWouldBlock = 11;

    [LibraryImport("libc", EntryPoint = "isatty")]
    internal static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    internal static partial int TcGetAttr(int fd, out Termios termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    internal static partial int TcSetAttr(int fd, int optionalActions, in Termios termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    internal static partial void CfMakeRaw(ref Termios termios);

    [LibraryImport("libc", EntryPoint = "getrandom", SetLastError = true)]
    internal static unsafe partial nint GetRandom(byte* buffer, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);
}
