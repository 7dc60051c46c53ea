namespace Vmm.Devices;

/// <summary>The base of the errors a bus raises when a registration is invalid.</summary>
public class DeviceBusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceBusException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DeviceBusException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DeviceBusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
