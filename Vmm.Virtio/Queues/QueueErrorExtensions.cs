namespace Vmm.Virtio;

/// <summary>Classification of <see cref="QueueError"/> values.</summary>
public static class QueueErrorExtensions
{
    /// <summary>The number of <see cref="QueueError"/> values.</summary>
    public const int Count = (int)QueueError.BufferOutOfMemory + 1;

    /// <summary>Whether the error breaks the queue until reset (the device should report DEVICE_NEEDS_RESET).</summary>
    public static bool IsFatal(this QueueError error) =>
        error is QueueError.AvailIndexOutOfRange or QueueError.AvailRingUnreadable or QueueError.UsedRingUnwritable;

    /// <summary>Whether the error concerns one malformed chain (the chain is consumed; the queue goes on).</summary>
    public static bool IsChainError(this QueueError error) =>
        error is >= QueueError.HeadIndexOutOfRange and <= QueueError.ReadableAfterWritable;
}
