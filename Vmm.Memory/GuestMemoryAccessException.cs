namespace Vmm.Memory;

/// <summary>An access touched guest-physical addresses that no memory region backs (a hole, or past the end of guest RAM).</summary>
public class GuestMemoryAccessException : GuestMemoryException
{
    /// <summary>Creates the exception for an access of <paramref name="length"/> bytes at <paramref name="address"/>, which failed at <paramref name="faultAddress"/>.</summary>
    public GuestMemoryAccessException(GuestAddress address, ulong length, GuestAddress faultAddress)
        : this($"No guest memory at {faultAddress} (access of 0x{length:x} bytes at {address}).", address, length, faultAddress)
    {
    }

    /// <summary>Creates the exception with a message of a derived type.</summary>
    protected GuestMemoryAccessException(string message, GuestAddress address, ulong length, GuestAddress faultAddress)
        : base(message)
    {
        Address = address;
        Length = length;
        FaultAddress = faultAddress;
    }

    /// <summary>The first address of the access.</summary>
    public GuestAddress Address { get; }

    /// <summary>The length of the access in bytes.</summary>
    public ulong Length { get; }

    /// <summary>The first address that could not be accessed.</summary>
    public GuestAddress FaultAddress { get; }
}
