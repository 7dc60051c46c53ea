using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>A KVM ioctl or a Linux system call failed; carries the errno and the name of the call.</summary>
public sealed class KvmException : Exception
{
    /// <summary>Creates an exception for a failed call.</summary>
    /// <param name="operation">The ioctl or system call name, e.g. <c>KVM_RUN</c>.</param>
    /// <param name="errno">The errno value.</param>
    public KvmException(string operation, int errno)
        : base($"{operation} failed: errno {errno} ({Describe(errno)})")
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>Creates an exception with a message.</summary>
    public KvmException()
        : this("unknown", 0)
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">Message.</param>
    public KvmException(string message)
        : base(message)
    {
        Operation = "unknown";
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    /// <param name="message">Message.</param>
    /// <param name="innerException">Inner exception.</param>
    public KvmException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "unknown";
    }

    /// <summary>The ioctl or system call that failed.</summary>
    public string Operation { get; }

    /// <summary>The errno the kernel returned.</summary>
    public int Errno { get; }

    private static string Describe(int errno)
    {
        var p = Libc.StrError(errno);
        return p == 0 ? "unknown" : Marshal.PtrToStringUTF8(p) ?? "unknown";
    }
}
