using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>A Linux eventfd (opened with EFD_CLOEXEC): a 64-bit counter that can wake an epoll loop or be handed to KVM as an irqfd/ioeventfd.</summary>
public sealed unsafe class EventFd : IDisposable
{
    /// <summary>Creates an eventfd.</summary>
    /// <param name="nonBlocking">EFD_NONBLOCK: <see cref="TryRead"/> returns false instead of blocking.</param>
    /// <param name="semaphore">EFD_SEMAPHORE semantics.</param>
    /// <param name="initialValue">Initial counter.</param>
    public EventFd(bool nonBlocking = true, bool semaphore = false, uint initialValue = 0)
    {
        var flags = Libc.EFD_CLOEXEC | (nonBlocking ? Libc.EFD_NONBLOCK : 0) | (semaphore ? Libc.EFD_SEMAPHORE : 0);
        var fd = Sys.Check(Libc.EventFd(initialValue, flags), "eventfd");
        Handle = new FileDescriptorHandle(fd, ownsHandle: true);
    }

    /// <summary>The descriptor.</summary>
    public FileDescriptorHandle Handle { get; }

    /// <summary>Adds <paramref name="value"/> to the counter (wakes readers).</summary>
    /// <param name="value">Increment (default 1).</param>
    public void Write(ulong value = 1)
    {
        var added = false;
        Handle.DangerousAddRef(ref added);
        try
        {
            while (Libc.Write(Handle.Fd, &value, sizeof(ulong)) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINTR)
                {
                    throw new KvmException("write(eventfd)", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                Handle.DangerousRelease();
            }
        }
    }

    /// <summary>Reads and resets the counter.</summary>
    /// <param name="value">The counter value read.</param>
    /// <returns>False when the counter was zero on a non-blocking eventfd.</returns>
    public bool TryRead(out ulong value)
    {
        ulong v = 0;
        var added = false;
        Handle.DangerousAddRef(ref added);
        try
        {
            while (Libc.Read(Handle.Fd, &v, sizeof(ulong)) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    value = 0;
                    return false;
                }

                if (errno != Libc.EINTR)
                {
                    throw new KvmException("read(eventfd)", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                Handle.DangerousRelease();
            }
        }

        value = v;
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();
}
