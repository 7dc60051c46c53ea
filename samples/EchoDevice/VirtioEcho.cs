using Vmm.Virtio;

namespace EchoDevice;

/// <summary>
/// A virtio device with one queue that echoes: each chain the driver posts is a device-readable request followed by
/// device-writable space, and the device copies the request into that space, up to its size. The chain's used length
/// is the number of bytes echoed.
/// </summary>
/// <remarks>
/// Everything a device needs to be safe against a hostile guest comes from the framework: <see cref="VirtioDevice.ProcessChains"/>
/// pops only chains validated whole (indices, loops, lengths, ordering), returns malformed ones with length 0 and
/// counts them; the chain reader and writer check every guest address on access and stop at the first bad one. The
/// device itself only bounds its own work: it copies at most the writable length, straight from guest memory to guest
/// memory, without allocating.
/// </remarks>
public sealed class VirtioEcho : VirtioDevice
{
    /// <summary>
    /// The device ID this sample answers with. It is not assigned by the virtio specification, so no guest driver binds
    /// to it: the device is driven by its tests (or by your own guest code).
    /// </summary>
    public const VirtioDeviceType EchoDeviceType = (VirtioDeviceType)0xFFFF;

    private long _echoedBytes;

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => EchoDeviceType;

    /// <inheritdoc/>
    public override int QueueCount => 1;

    /// <inheritdoc/>
    public override int ConfigSize => 0;

    /// <summary>The bytes echoed since the device was created.</summary>
    public long EchoedBytes => Interlocked.Read(ref _echoedBytes);

    /// <inheritdoc/>
    protected override ulong DeviceFeatures => 0;

    /// <inheritdoc/>
    public override ushort GetQueueMaxSize(int queueIndex) => 64;

    /// <inheritdoc/>
    protected override void ProcessQueue(int queueIndex) => ProcessChains(queueIndex);

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        var reader = chain.CreateReader();
        var writer = chain.CreateWriter();
        while (writer.Remaining > 0 && reader.TryGetNextSpan((int)Math.Min(writer.Remaining, int.MaxValue), out var request))
        {
            if (!writer.TryWrite(request))
            {
                break; // a writable buffer outside guest memory: return what was echoed so far
            }
        }

        Interlocked.Add(ref _echoedBytes, writer.BytesWritten);
        return writer.BytesWritten;
    }
}
