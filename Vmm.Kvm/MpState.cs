namespace Vmm.Kvm;

/// <summary>The multiprocessing state of a vCPU (KVM_MP_STATE_*).</summary>
public enum MpState : uint
{
    /// <summary>Running.</summary>
    Runnable = 0,

    /// <summary>Waiting for INIT/SIPI (application processors before start-up).</summary>
    Uninitialized = 1,

    /// <summary>INIT received.</summary>
    InitReceived = 2,

    /// <summary>Halted.</summary>
    Halted = 3,

    /// <summary>SIPI received.</summary>
    SipiReceived = 4,
}
