using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>The state of a <see cref="SplitQueue"/> captured for snapshot/restore or migration.</summary>
/// <param name="MaxSize">The device maximum.</param>
/// <param name="Size">The size the driver chose.</param>
/// <param name="Ready">Whether the queue is ready.</param>
/// <param name="DescriptorTable">The descriptor table address.</param>
/// <param name="AvailRing">The available (driver) ring address.</param>
/// <param name="UsedRing">The used (device) ring address.</param>
/// <param name="NextAvail">The next available-ring index the device will read.</param>
/// <param name="NextUsed">The next used-ring index the device will write.</param>
/// <param name="EventIdxEnabled">Whether VIRTIO_F_EVENT_IDX was negotiated.</param>
/// <param name="IndirectDescriptorsEnabled">Whether VIRTIO_F_INDIRECT_DESC was negotiated.</param>
public readonly record struct SplitQueueState(
    ushort MaxSize,
    ushort Size,
    bool Ready,
    GuestAddress DescriptorTable,
    GuestAddress AvailRing,
    GuestAddress UsedRing,
    ushort NextAvail,
    ushort NextUsed,
    bool EventIdxEnabled,
    bool IndirectDescriptorsEnabled);
