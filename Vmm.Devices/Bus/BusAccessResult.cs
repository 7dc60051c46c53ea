namespace Vmm.Devices;

/// <summary>The outcome of routing one guest access through a <see cref="PioBus"/> or <see cref="MmioBus"/>.</summary>
public enum BusAccessResult
{
    /// <summary>A device took the access.</summary>
    Handled,

    /// <summary>No device is registered at the accessed address (or the access has no bytes); a read was answered with all-ones.</summary>
    NoDevice,

    /// <summary>The access starts inside a device but runs past its end; nothing was forwarded and a read was answered with all-ones.</summary>
    CrossesDeviceBoundary,
}
