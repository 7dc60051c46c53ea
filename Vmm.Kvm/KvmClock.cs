using System.Runtime.InteropServices;

namespace Vmm.Kvm;

/// <summary>The VM-wide kvmclock value (KVM_GET_CLOCK/KVM_SET_CLOCK). Mirrors <c>kvm_clock_data</c> from linux/kvm.h.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmClock
{
    /// <summary>Guest clock in nanoseconds.</summary>
    public ulong Clock;

    /// <summary>KVM_CLOCK_* flags.</summary>
    public uint Flags;

    /// <summary>Reserved.</summary>
    public uint Pad0;

    /// <summary>Host CLOCK_REALTIME when the flag is set.</summary>
    public ulong Realtime;

    /// <summary>Host TSC when the flag is set.</summary>
    public ulong HostTsc;

    /// <summary>Reserved.</summary>
    public Reserved16 Pad;
}
