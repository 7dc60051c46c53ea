namespace Vmm.Devices;

/// <summary>
/// The x86 port I/O address space (ports 0x0000–0xFFFF): routes a guest <c>in</c>/<c>out</c> to the device
/// registered on the accessed ports, passing the offset from the device's first port.
/// </summary>
/// <remarks>
/// Lookups are lock-free binary searches over an immutable snapshot that registrations replace atomically,
/// so vCPU threads never block on a registration and an access costs no allocation.
/// An access must fall entirely inside one device; otherwise no device sees it, a read is answered with
/// all-ones (what an empty ISA bus returns) and the result says why, for the VMM to log.
/// </remarks>
public sealed class PioBus
{
    private readonly DeviceBus<IPioDevice> _bus = new(ushort.MaxValue, "port I/O");

    /// <summary>How many ranges are registered.</summary>
    public int Count => _bus.Count;

    /// <summary>Registers <paramref name="device"/> on the <paramref name="length"/> ports starting at <paramref name="basePort"/>.</summary>
    /// <exception cref="InvalidBusRangeException"><paramref name="length"/> is zero or the range runs past port 0xFFFF.</exception>
    /// <exception cref="BusRangeConflictException">The range overlaps a registered one.</exception>
    public void Register(ushort basePort, int length, IPioDevice device)
    {
        if (length < 0)
        {
            throw new InvalidBusRangeException($"Cannot register a device on a negative port range length ({length}) at 0x{basePort:x}.");
        }

        _bus.Register(basePort, (ulong)length, device);
    }

    /// <summary>Removes the range registered at exactly <paramref name="basePort"/>.</summary>
    /// <returns>Whether a range started there; <paramref name="device"/> is the device that was registered on it.</returns>
    public bool Unregister(ushort basePort, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPioDevice? device) =>
        _bus.Unregister(basePort, out device);

    /// <summary>Finds the device that holds the whole access of <paramref name="length"/> bytes at <paramref name="port"/>.</summary>
    /// <returns><see cref="BusAccessResult.Handled"/> with the device and the offset from its first port, or why there is none.</returns>
    public BusAccessResult Find(ushort port, int length, out IPioDevice? device, out ushort offset)
    {
        var result = _bus.Resolve(port, length, out device, out ulong wideOffset);
        offset = (ushort)wideOffset;
        return result;
    }

    /// <summary>Routes a guest <c>in</c> of <c>data.Length</c> bytes at <paramref name="port"/>; without a device, fills <paramref name="data"/> with 0xFF.</summary>
    public BusAccessResult Read(ushort port, Span<byte> data)
    {
        var result = _bus.Resolve(port, data.Length, out var device, out ulong offset);
        if (result == BusAccessResult.Handled)
        {
            device!.Read((ushort)offset, data);
        }
        else
        {
            data.Fill(0xFF);
        }

        return result;
    }

    /// <summary>Routes a guest <c>out</c> of <paramref name="data"/> at <paramref name="port"/>; without a device, the bytes are dropped.</summary>
    public BusAccessResult Write(ushort port, ReadOnlySpan<byte> data)
    {
        var result = _bus.Resolve(port, data.Length, out var device, out ulong offset);
        if (result == BusAccessResult.Handled)
        {
            device!.Write((ushort)offset, data);
        }

        return result;
    }
}
