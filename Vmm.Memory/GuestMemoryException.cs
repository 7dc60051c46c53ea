namespace Vmm.Memory;

/// <summary>The base of every error raised by Vmm.Memory for a bad guest address, range or region layout.</summary>
public class GuestMemoryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GuestMemoryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GuestMemoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public GuestMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
