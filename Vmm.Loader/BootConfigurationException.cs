namespace Vmm.Loader;

/// <summary>
/// The boot configuration cannot be realised in this guest: a kernel segment, the zero page, the
/// initrd, a table or the command line does not fit in guest RAM, or the structures would overlap.
/// </summary>
public sealed class BootConfigurationException : Exception
{
    /// <summary>Creates the exception with a message naming the structure and the address range.</summary>
    public BootConfigurationException(string message)
        : base(message)
    {
    }
}
