namespace Vmm.Loader;

/// <summary>
/// A kernel image (ELF <c>vmlinux</c>, bzImage or its compressed payload) is malformed, truncated
/// or of a kind this loader does not support. Nothing has been written to guest memory when it is thrown.
/// </summary>
public sealed class KernelFormatException : Exception
{
    /// <summary>Creates the exception with a message that names what is wrong with the image.</summary>
    public KernelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the decoder error that caused it.</summary>
    public KernelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
