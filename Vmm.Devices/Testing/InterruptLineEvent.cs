namespace Vmm.Devices.Testing;

/// <summary>One call a device made on an <see cref="IInterruptLine"/>, as an <see cref="InterruptRecorder"/> records it.</summary>
public enum InterruptLineEvent
{
    /// <summary><see cref="IInterruptLine.Raise"/> was called.</summary>
    Raise,

    /// <summary><see cref="IInterruptLine.Lower"/> was called.</summary>
    Lower,

    /// <summary><see cref="IInterruptLine.Pulse"/> was called.</summary>
    Pulse,
}
