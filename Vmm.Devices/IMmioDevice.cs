namespace Vmm.Devices;

/// <summary>A device model reached through guest-physical memory-mapped I/O.</summary>
/// <remarks>Called on vCPU threads (possibly several at once): implementations synchronise their own state and never block.</remarks>
public interface IMmioDevice
{
    /// <summary>Handles a guest read of <c>data.Length</c> bytes at <paramref name="offset"/> from the device's base; fills <paramref name="data"/>.</summary>
    void Read(ulong offset, Span<byte> data);

    /// <summary>Handles a guest write of <paramref name="data"/> at <paramref name="offset"/> from the device's base.</summary>
    void Write(ulong offset, ReadOnlySpan<byte> data);
}
