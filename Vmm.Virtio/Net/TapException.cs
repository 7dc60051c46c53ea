namespace Vmm.Virtio.Net;

/// <summary>A tap could not be opened or set up; <see cref="Error"/> says why in terms a user can act on.</summary>
public sealed class TapException : IOException
{
    /// <summary>Creates the exception for <paramref name="tapName"/>.</summary>
    /// <param name="tapName">The interface name.</param>
    /// <param name="error">What went wrong.</param>
    /// <param name="errorNumber">The errno of the failing call, or 0.</param>
    /// <param name="message">The message.</param>
    public TapException(string tapName, TapError error, int errorNumber, string message)
        : base(message)
    {
        TapName = tapName;
        Error = error;
        ErrorNumber = errorNumber;
    }

    /// <summary>Creates an exception with a message.</summary>
    public TapException()
        : this("", TapError.Unsupported, 0, "The tap could not be set up.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public TapException(string message)
        : this("", TapError.Unsupported, 0, message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public TapException(string message, Exception innerException)
        : base(message, innerException)
    {
        TapName = "";
    }

    /// <summary>The interface name.</summary>
    public string TapName { get; } = "";

    /// <summary>What went wrong.</summary>
    public TapError Error { get; }

    /// <summary>The errno of the failing system call, or 0.</summary>
    public int ErrorNumber { get; }
}
