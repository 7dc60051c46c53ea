namespace Vmm.Devices;

/// <summary>A message-signalled interrupt: the address and data a device writes to raise it (PCI MSI / MSI-X).</summary>
/// <param name="Address">The message address (on x86, 0xFEEx_xxxx selects the destination local APIC).</param>
/// <param name="Data">The message data (on x86, the vector and delivery mode).</param>
public readonly record struct MsiMessage(ulong Address, uint Data);
