namespace Vmm.Devices;

/// <summary>A device model reached through x86 port I/O.</summary>
/// <remarks>Called on vCPU threads (possibly several at once): implementations synchronise their own state and never block.</remarks>
public interface IPioDevice
{
    /// <summary>Handles a guest <c>in</c> of <c>data.Length</c> bytes at <paramref name="offset"/> from the device's first port; fills <paramref name="data"/>.</summary>
    void Read(ushort offset, Span<byte> data);

    /// <summary>Handles a guest <c>out</c> of <paramref name="data"/> at <paramref name="offset"/> from the device's first port.</summary>
    void Write(ushort offset, ReadOnlySpan<byte> data);
}
