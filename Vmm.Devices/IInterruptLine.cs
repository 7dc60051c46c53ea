namespace Vmm.Devices;

/// <summary>
/// An interrupt line a device drives. In a VMM it is a KVM irqfd or IRQ line; in tests, a recorder.
/// Level-triggered devices call <see cref="Raise"/> and <see cref="Lower"/>; edge-triggered ones call <see cref="Pulse"/>.
/// Implementations must be safe to call from any thread and must not block.
/// </summary>
public interface IInterruptLine
{
    /// <summary>Asserts the line (level-triggered).</summary>
    void Raise();

    /// <summary>Deasserts the line (level-triggered).</summary>
    void Lower();

    /// <summary>Signals one edge.</summary>
    void Pulse();
}
