namespace Vmm.Kvm;

/// <summary>What <see cref="EmulationFallback"/> did with an instruction.</summary>
public enum EmulationStatus
{
    /// <summary>Emulated: registers were updated (and an exception possibly injected); resume the vCPU.</summary>
    Emulated = 0,

    /// <summary>Decoded but not an instruction the fallback handles; stop the VM with a register dump.</summary>
    NotHandled = 1,

    /// <summary>The bytes do not decode to a valid instruction (or none were supplied).</summary>
    Invalid = 2,
}
