namespace Vmm.Devices;

/// <summary>
/// Delivers message-signalled interrupts to the guest: in a VMM, KVM's <c>KVM_SIGNAL_MSI</c> or an irqfd on an MSI route;
/// in tests, a recorder. Implementations must be safe to call from any thread and must not block.
/// </summary>
public interface IMsiSink
{
    /// <summary>Sends <paramref name="message"/>.</summary>
    void Send(in MsiMessage message);
}
