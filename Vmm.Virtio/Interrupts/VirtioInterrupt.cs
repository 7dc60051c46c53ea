namespace Vmm.Virtio;

/// <summary>The bits of the transport's interrupt status register.</summary>
[Flags]
public enum VirtioInterrupt : uint
{
    /// <summary>No interrupt pending.</summary>
    None = 0,

    /// <summary>The device used a buffer in some queue.</summary>
    UsedBuffer = 1,

    /// <summary>The device configuration changed (or the device needs a reset).</summary>
    ConfigChange = 2,
}
