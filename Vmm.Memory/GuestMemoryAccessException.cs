namespace Vmm.Memory;

/// <summary>An access touched guest-physical addresses that no memory region backs (a hole, or past the end of guest RAM).</summary>
public sealed class GuestMemoryAccessException : GuestMemoryException
{
    /// <summary>Creates the exception for an access of <paramref name="length"/> bytes at <paramref name="address"/>, which failed at <paramref name="faultAddress"/>.</summary>
    public GuestMemoryAccessException(GuestAddress address, ulong length, GuestAddress faultAddress)
        : base($"No guest memory at {faultAddress} (access of 0x{length:x} bytes at {address}).")
    {
        Address = address;
        Length = length;
        FaultAddress = faultAddress;
    }

    /// <summary>The first address of the access.</summary>
    public GuestAddress Address { get; }

    /// <summary>The length of the access in bytes.</summary>
    public ulong Length { get; }

    /// <summary>The first address that no region backs.</summary>
    public GuestAddress FaultAddress { get; }
}
