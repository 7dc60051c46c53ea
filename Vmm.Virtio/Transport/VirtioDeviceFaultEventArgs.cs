namespace Vmm.Virtio;

/// <summary>A device threw while the transport drove it; the device was marked DEVICE_NEEDS_RESET (see <see cref="VirtioCommonConfig.Faulted"/>).</summary>
public sealed class VirtioDeviceFaultEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public VirtioDeviceFaultEventArgs(string deviceName, string operation, Exception exception)
    {
        DeviceName = deviceName;
        Operation = operation;
        Exception = exception;
    }

    /// <summary>The name the transport was given for the device.</summary>
    public string DeviceName { get; }

    /// <summary>What the transport was doing: <c>queue N</c>, <c>activate</c> or <c>reset</c>.</summary>
    public string Operation { get; }

    /// <summary>The exception the device threw.</summary>
    public Exception Exception { get; }
}
