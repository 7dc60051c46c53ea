using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>The libc entry points the package calls. errno is captured by the marshaller (SetLastError).</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    internal const int O_RDWR = 0x2;
    internal const int O_CLOEXEC = 0x80000;
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int PROT_READ = 1;
    internal const int PROT_WRITE = 2;
    internal const int PROT_EXEC = 4;
    internal const int MAP_SHARED = 1;
    internal const int MAP_PRIVATE = 2;
    internal const int MAP_ANONYMOUS = 0x20;
    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;
    internal const int EFD_SEMAPHORE = 1;
    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const int CLOCK_MONOTONIC = 1;
    internal const int TFD_CLOEXEC = 0x80000;
    internal const int TFD_NONBLOCK = 0x800;

    [LibraryImport(Lib, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, void* arg);

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    internal static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint addr, nuint length);

    [LibraryImport(Lib, EntryPoint = "mprotect", SetLastError = true)]
    internal static partial int Mprotect(nint addr, nuint length, int prot);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initval, int flags);

    [LibraryImport(Lib, EntryPoint = "timerfd_create", SetLastError = true)]
    internal static partial int TimerFdCreate(int clockId, int flags);

    [LibraryImport(Lib, EntryPoint = "timerfd_settime", SetLastError = true)]
    internal static partial int TimerFdSetTime(int fd, int flags, ITimerSpec* newValue, ITimerSpec* oldValue);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, void* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport(Lib, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static partial int EpollWait(int epfd, EpollEvent* events, int maxevents, int timeout);

    [LibraryImport(Lib, EntryPoint = "pthread_self")]
    internal static partial nuint PthreadSelf();

    [LibraryImport(Lib, EntryPoint = "pthread_kill")]
    internal static partial int PthreadKill(nuint thread, int sig);

    [LibraryImport(Lib, EntryPoint = "sigaction", SetLastError = true)]
    internal static partial int Sigaction(int sig, SigAction* act, SigAction* oldact);

    [LibraryImport(Lib, EntryPoint = "__libc_current_sigrtmin")]
    internal static partial int CurrentSigRtMin();

    [LibraryImport(Lib, EntryPoint = "__libc_current_sigrtmax")]
    internal static partial int CurrentSigRtMax();

    [LibraryImport(Lib, EntryPoint = "strerror")]
    internal static partial nint StrError(int errnum);
}
