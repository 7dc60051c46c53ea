namespace Vmm.Reference.Configuration;

/// <summary>Which device carries the guest console.</summary>
internal enum ConsoleMode
{
    /// <summary>The COM1 16550A UART, connected to the terminal.</summary>
    Serial,

    /// <summary>A virtio-console device (hvc0), connected to the terminal; the UART still exists for early output.</summary>
    Virtio,

    /// <summary>No console connected; guest output is discarded.</summary>
    None,
}
