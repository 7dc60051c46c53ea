namespace Vmm.Devices;

/// <summary>A registration asked for an empty range, or for one that runs past the top of the bus's address space.</summary>
public sealed class InvalidBusRangeException : DeviceBusException
{
    /// <summary>Creates the exception with a message naming the range.</summary>
    public InvalidBusRangeException(string message)
        : base(message)
    {
    }
}
