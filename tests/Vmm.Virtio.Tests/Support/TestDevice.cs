namespace Vmm.Virtio.Tests.Support;

/// <summary>A minimal device written with the framework: echoes the readable bytes back into the writable part.</summary>
public sealed class TestDevice : VirtioDevice
{
    public const ulong FeatureA = 1UL << 3;

    public int Activations { get; private set; }

    public int Resets { get; private set; }

    public bool RefuseActivation { get; set; }

    public byte[] Config { get; } = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    public override VirtioDeviceType DeviceType => VirtioDeviceType.Entropy;

    public override int QueueCount => 2;

    public override int ConfigSize => Config.Length;

    protected override ulong DeviceFeatures => FeatureA;

    public override void ReadConfig(int offset, Span<byte> data) => Config.AsSpan(offset, data.Length).CopyTo(data);

    public override void WriteConfig(int offset, ReadOnlySpan<byte> data) => data.CopyTo(Config.AsSpan(offset));

    public void ChangeConfig() => Context!.NotifyConfigChanged();

    protected internal override void ProcessQueue(int queueIndex) => ProcessChains(queueIndex);

    protected override bool OnActivate(VirtioDeviceContext context)
    {
        Activations++;
        return !RefuseActivation;
    }

    protected override void OnReset() => Resets++;

    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        var reader = chain.CreateReader();
        var writer = chain.CreateWriter();
        Span<byte> buffer = stackalloc byte[64];
        while (reader.Remaining > 0 && writer.Remaining > 0)
        {
            int n = (int)Math.Min(Math.Min(reader.Remaining, writer.Remaining), 64);
            if (!reader.TryRead(buffer[..n]) || !writer.TryWrite(buffer[..n]))
            {
                break;
            }
        }

        return writer.BytesWritten;
    }
}
