namespace Vmm.Memory;

/// <summary>Address arithmetic would have wrapped around the 64-bit guest-physical address space.</summary>
public sealed class GuestAddressOverflowException : GuestMemoryException
{
    /// <summary>Creates the exception for <paramref name="address"/> combined with <paramref name="operand"/>.</summary>
    public GuestAddressOverflowException(GuestAddress address, ulong operand)
        : base($"Guest address arithmetic overflows: {address} with operand 0x{operand:x}.")
    {
        Address = address;
        Operand = operand;
    }

    /// <summary>The address the operation started from.</summary>
    public GuestAddress Address { get; }

    /// <summary>The offset or length that made it overflow.</summary>
    public ulong Operand { get; }
}
