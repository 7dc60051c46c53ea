namespace Vmm.Kvm;

/// <summary>The outcome of <see cref="EmulationFallback"/> for one instruction.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Mnemonic">The decoded mnemonic in lower case (e.g. <c>popcnt</c>), empty when invalid.</param>
/// <param name="Instruction">The decoded instruction text (e.g. <c>popcnt rax,rbx</c>), for logs and register dumps.</param>
/// <param name="Length">The instruction length in bytes.</param>
/// <param name="InjectedVector">The exception vector injected, or -1.</param>
public readonly record struct EmulationResult(EmulationStatus Status, string Mnemonic, string Instruction, int Length, int InjectedVector)
{
    /// <summary>True when the vCPU can resume.</summary>
    public bool Handled => Status == EmulationStatus.Emulated;
}
