namespace Vmm.Reference;

/// <summary>A failure that ends vmm with one clear message and a specific exit code.</summary>
internal sealed class VmmException : Exception
{
    public VmmException(ExitCode exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public ExitCode ExitCode { get; }
}
