namespace Vmm.Virtio.Vsock;

/// <summary>
/// Popping for the device's own producers (the receive and event queues are filled when the device has something, not
/// on the driver's notification alone): malformed chains go straight back empty and counted, an empty ring re-enables
/// notifications before saying so, and a broken ring asks for a device reset.
/// </summary>
internal static class VsockQueueExtensions
{
    /// <summary>
    /// Pops the next chain that passed the queue's validation. False when none is available (notifications are then
    /// enabled, so the driver's next buffer notifies) or the queue broke (DEVICE_NEEDS_RESET requested).
    /// </summary>
    public static bool TryPopUsable(this SplitQueue queue, VirtioDeviceContext context, ref bool completed, ref long malformed, out DescriptorChain chain)
    {
        while (true)
        {
            if (queue.TryPop(out chain, out var error))
            {
                return true;
            }

            if (error == QueueError.None)
            {
                if (queue.EnableNotification())
                {
                    continue;
                }

                return false;
            }

            if (chain.HasUsableHead && error.IsChainError())
            {
                malformed++;
                completed = true;
                error = queue.AddUsed(chain.HeadIndex, 0);
            }

            if (error.IsFatal() || error == QueueError.QueueNotReady)
            {
                context.RequestReset();
                return false;
            }
        }
    }

    /// <summary>Puts a used chain on the used ring; false when the queue broke (DEVICE_NEEDS_RESET requested).</summary>
    public static bool TryComplete(this SplitQueue queue, VirtioDeviceContext context, ushort headIndex, uint length, ref bool completed)
    {
        var error = queue.AddUsed(headIndex, length);
        if (error.IsFatal() || error == QueueError.QueueNotReady)
        {
            context.RequestReset();
            return false;
        }

        completed = true;
        return true;
    }
}
