using Vmm.Memory;

namespace Vmm.Reference.Machine;

/// <summary>
/// The guest-physical map of the micro-VM: RAM from 0 up to the 32-bit MMIO gap, the rest of RAM
/// above 4 GiB; devices in the gap (boot timer, virtio-mmio slots); the IOAPIC and local APIC at
/// their architectural addresses.
/// </summary>
internal static class MemoryLayout
{
    /// <summary>Start of the 32-bit MMIO gap (3 GiB); RAM never extends into it.</summary>
    public const ulong MmioGapStart = 0xC000_0000;

    /// <summary>End of the 32-bit MMIO gap (4 GiB), where high RAM starts.</summary>
    public const ulong MmioGapEnd = 0x1_0000_0000;

    /// <summary>The boot-timer byte (the Firecracker convention: the guest's init writes 123 here).</summary>
    public const ulong BootTimerAddress = 0xC000_0000;

    /// <summary>First virtio-mmio device window; each device gets <see cref="VirtioMmioSize"/> bytes.</summary>
    public const ulong VirtioMmioBase = 0xD000_0000;

    /// <summary>Size of one virtio-mmio window.</summary>
    public const ulong VirtioMmioSize = 0x1000;

    /// <summary>First IRQ (IOAPIC pin / GSI) handed to virtio-mmio devices.</summary>
    public const uint VirtioFirstIrq = 5;

    /// <summary>The last IOAPIC pin usable for devices (24 pins).</summary>
    public const uint LastIrq = 23;

    /// <summary>KVM's TSS (three pages) and identity-map page, just below the IOAPIC.</summary>
    public const ulong KvmTssAddress = 0xFFFB_D000;

    /// <summary>See <see cref="KvmTssAddress"/>.</summary>
    public const ulong KvmIdentityMapAddress = 0xFFFB_C000;

    /// <summary>The guest RAM ranges for <paramref name="memoryBytes"/> of memory.</summary>
    public static GuestRange[] RamRanges(ulong memoryBytes)
    {
        if (memoryBytes <= MmioGapStart)
        {
            return [new GuestRange(GuestAddress.Zero, memoryBytes)];
        }

        return
        [
            new GuestRange(GuestAddress.Zero, MmioGapStart),
            new GuestRange(new GuestAddress(MmioGapEnd), memoryBytes - MmioGapStart),
        ];
    }

    /// <summary>The window of virtio-mmio device <paramref name="index"/>.</summary>
    public static GuestAddress VirtioMmioAddress(int index) => new(VirtioMmioBase + ((ulong)index * VirtioMmioSize));

    /// <summary>The IRQ of virtio-mmio device <paramref name="index"/>.</summary>
    public static uint VirtioIrq(int index) => VirtioFirstIrq + (uint)index;
}
