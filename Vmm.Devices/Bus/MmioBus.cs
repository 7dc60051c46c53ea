namespace Vmm.Devices;

/// <summary>
/// The guest-physical memory-mapped I/O address space: routes a guest load or store that KVM could not satisfy
/// from memory to the device registered on the accessed addresses, passing the offset from the device's base.
/// </summary>
/// <remarks>
/// Lookups are lock-free binary searches over an immutable snapshot that registrations replace atomically,
/// so vCPU threads never block on a registration and an access costs no allocation.
/// An access must fall entirely inside one device; otherwise no device sees it, a read is answered with
/// all-ones and the result says why, for the VMM to log.
/// </remarks>
public sealed class MmioBus
{
    private readonly DeviceBus<IMmioDevice> _bus = new(ulong.MaxValue, "MMIO");

    /// <summary>How many ranges are registered.</summary>
    public int Count => _bus.Count;

    /// <summary>Registers <paramref name="device"/> on the <paramref name="length"/> bytes starting at <paramref name="baseAddress"/>.</summary>
    /// <exception cref="InvalidBusRangeException"><paramref name="length"/> is zero or the range wraps past the top of the address space.</exception>
    /// <exception cref="BusRangeConflictException">The range overlaps a registered one.</exception>
    public void Register(ulong baseAddress, ulong length, IMmioDevice device) => _bus.Register(baseAddress, length, device);

    /// <summary>Removes the range registered at exactly <paramref name="baseAddress"/>.</summary>
    /// <returns>Whether a range started there; <paramref name="device"/> is the device that was registered on it.</returns>
    public bool Unregister(ulong baseAddress, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IMmioDevice? device) =>
        _bus.Unregister(baseAddress, out device);

    /// <summary>Finds the device that holds the whole access of <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
    /// <returns><see cref="BusAccessResult.Handled"/> with the device and the offset from its base, or why there is none.</returns>
    public BusAccessResult Find(ulong address, int length, out IMmioDevice? device, out ulong offset) =>
        _bus.Resolve(address, length, out device, out offset);

    /// <summary>Routes a guest read of <c>data.Length</c> bytes at <paramref name="address"/>; without a device, fills <paramref name="data"/> with 0xFF.</summary>
    public BusAccessResult Read(ulong address, Span<byte> data)
    {
        var result = _bus.Resolve(address, data.Length, out var device, out ulong offset);
        if (result == BusAccessResult.Handled)
        {
            device!.Read(offset, data);
        }
        else
        {
            data.Fill(0xFF);
        }

        return result;
    }

    /// <summary>Routes a guest write of <paramref name="data"/> at <paramref name="address"/>; without a device, the bytes are dropped.</summary>
    public BusAccessResult Write(ulong address, ReadOnlySpan<byte> data)
    {
        var result = _bus.Resolve(address, data.Length, out var device, out ulong offset);
        if (result == BusAccessResult.Handled)
        {
            device!.Write(offset, data);
        }

        return result;
    }
}
