using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>Checked wrappers: errno is read immediately after the call and turned into <see cref="KvmException"/>.</summary>
internal static unsafe class Sys
{
    /// <summary>ioctl with a pointer argument; retries on EINTR.</summary>
    internal static int Ioctl(SafeHandle fd, uint request, void* arg, string name) => IoctlValue(fd, request, (nint)arg, name);

    /// <summary>An ioctl that fills a <typeparamref name="T"/> (the KVM_GET_* pattern).</summary>
    internal static T Get<T>(SafeHandle fd, uint request, string name)
        where T : unmanaged
    {
        T value;
        Ioctl(fd, request, &value, name);
        return value;
    }

    /// <summary>An ioctl that reads a <typeparamref name="T"/> (the KVM_SET_* pattern); the kernel gets a copy.</summary>
    internal static void Set<T>(SafeHandle fd, uint request, in T value, string name)
        where T : unmanaged
    {
        T copy = value;
        Ioctl(fd, request, &copy, name);
    }

    /// <summary>ioctl with an integer argument; retries on EINTR.</summary>
    internal static int IoctlValue(SafeHandle fd, uint request, nint arg, string name)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            var raw = (int)fd.DangerousGetHandle();
            while (true)
            {
                var rc = Libc.Ioctl(raw, request, arg);
                if (rc >= 0)
                {
                    return rc;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINTR)
                {
                    throw new KvmException(name, errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>Throws for a negative return value.</summary>
    internal static int Check(int rc, string name)
    {
        if (rc < 0)
        {
            throw new KvmException(name, Marshal.GetLastPInvokeError());
        }

        return rc;
    }
}
