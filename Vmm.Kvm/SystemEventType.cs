namespace Vmm.Kvm;

/// <summary>The kind of a KVM_EXIT_SYSTEM_EVENT (KVM_SYSTEM_EVENT_*).</summary>
public enum SystemEventType : uint
{
    /// <summary>Power off.</summary>
    Shutdown = 1,

    /// <summary>Reset.</summary>
    Reset = 2,

    /// <summary>Guest crash.</summary>
    Crash = 3,

    /// <summary>Wake-up.</summary>
    Wakeup = 4,

    /// <summary>Suspend.</summary>
    Suspend = 5,

    /// <summary>SEV termination.</summary>
    SevTerm = 6,
}
