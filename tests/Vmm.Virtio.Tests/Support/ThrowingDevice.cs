namespace Vmm.Virtio.Tests.Support;

/// <summary>A device with a bug: every queue notification throws.</summary>
public sealed class ThrowingDevice : VirtioDevice
{
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Entropy;

    public override int QueueCount => 1;

    public override int ConfigSize => 0;

    protected override ulong DeviceFeatures => 0;

    protected internal override void ProcessQueue(int queueIndex) => throw new InvalidOperationException("device bug");
}
