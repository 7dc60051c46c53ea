namespace Vmm.Loader;

/// <summary>A kernel command line parameter the kernel would misparse, or a command line over its capacity.</summary>
public sealed class KernelCommandLineException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the offending parameter.</summary>
    public KernelCommandLineException(string message)
        : base(message)
    {
    }
}
