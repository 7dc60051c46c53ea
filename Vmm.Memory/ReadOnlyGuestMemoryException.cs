namespace Vmm.Memory;

/// <summary>A write touched guest-physical addresses backed by a read-only region.</summary>
public sealed class ReadOnlyGuestMemoryException : GuestMemoryAccessException
{
    /// <summary>Creates the exception for a write of <paramref name="length"/> bytes at <paramref name="address"/> that reached the read-only <paramref name="faultAddress"/>.</summary>
    public ReadOnlyGuestMemoryException(GuestAddress address, ulong length, GuestAddress faultAddress)
        : base($"Guest memory at {faultAddress} is read-only (write of 0x{length:x} bytes at {address}).", address, length, faultAddress)
    {
    }
}
