namespace Vmm.Memory;

/// <summary>A set of memory regions is empty, unsorted or overlapping, or a region is not page-aligned.</summary>
public sealed class InvalidRegionLayoutException : GuestMemoryException
{
    /// <summary>Creates the exception with a message naming the offending regions.</summary>
    public InvalidRegionLayoutException(string message)
        : base(message)
    {
    }
}
