namespace Vmm.Devices;

/// <summary>A registration asked for a range that overlaps a range already registered on the bus.</summary>
public sealed class BusRangeConflictException : DeviceBusException
{
    /// <summary>Creates the exception with a message naming both ranges.</summary>
    public BusRangeConflictException(string message)
        : base(message)
    {
    }
}
