using Vmm.Memory;

namespace Vmm.Virtio.Testing;

/// <summary>A buffer a simulated driver puts in a chain.</summary>
/// <param name="Address">The guest address of the buffer.</param>
/// <param name="Length">The length in bytes.</param>
/// <param name="Writable">Whether the device may write it (VIRTQ_DESC_F_WRITE).</param>
public readonly record struct SimulatedBuffer(GuestAddress Address, uint Length, bool Writable);
