using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// One vCPU's exit counters. Only the owning vCPU thread counts, with plain increments (no interlocked operation, no
/// lock, no allocation); other threads read, and a read while the vCPU runs may lag by the exits in flight. The slots
/// sit between 128-byte pads in their own array, so no other object's data (another vCPU's counters above all) shares a
/// cache line, or an adjacent-line prefetch pair, with them.
/// </summary>
internal sealed class VcpuExitCounters
{
    /// <summary>Exit reasons counted: KVM_EXIT_* numbers below this (all that <see cref="VcpuExitReason"/> names).</summary>
    public const int ReasonSlots = 64;

    private const int Pad = 16;
    private const int UnhandledPioSlot = Pad + ReasonSlots;
    private const int UnhandledMmioSlot = UnhandledPioSlot + 1;

    private readonly long[] _slots = new long[UnhandledMmioSlot + 1 + Pad];

    /// <summary>PIO accesses no device answered.</summary>
    public long UnhandledPio => Volatile.Read(ref _slots[UnhandledPioSlot]);

    /// <summary>MMIO accesses no device answered.</summary>
    public long UnhandledMmio => Volatile.Read(ref _slots[UnhandledMmioSlot]);

    /// <summary>Counts one exit (owner thread only).</summary>
    public void Count(VcpuExitReason reason)
    {
        int index = (int)reason;
        if ((uint)index < ReasonSlots)
        {
            _slots[Pad + index]++;
        }
    }

    /// <summary>Counts a PIO access no device answered (owner thread only).</summary>
    public void CountUnhandledPio() => _slots[UnhandledPioSlot]++;

    /// <summary>Counts an MMIO access no device answered (owner thread only).</summary>
    public void CountUnhandledMmio() => _slots[UnhandledMmioSlot]++;

    /// <summary>Exits counted for the reason numbered <paramref name="reason"/> (below <see cref="ReasonSlots"/>).</summary>
    public long ExitsFor(int reason) => Volatile.Read(ref _slots[Pad + reason]);
}
