namespace Vmm.Memory;

/// <summary>A volatile or atomic access was not naturally aligned.</summary>
public sealed class MisalignedAccessException : GuestMemoryException
{
    /// <summary>Creates the exception for an access at <paramref name="address"/> that needed <paramref name="alignment"/>.</summary>
    public MisalignedAccessException(GuestAddress address, int alignment)
        : base($"Atomic access at {address} is not aligned to {alignment} bytes.")
    {
        Address = address;
        Alignment = alignment;
    }

    /// <summary>The address of the access.</summary>
    public GuestAddress Address { get; }

    /// <summary>The alignment the access needed.</summary>
    public int Alignment { get; }
}
