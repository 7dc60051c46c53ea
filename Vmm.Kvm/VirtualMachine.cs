using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>A KVM virtual machine: memory slots, interrupt controllers and routing, irqfd/ioeventfd, dirty logging, clock, vCPU creation.</summary>
public sealed unsafe class VirtualMachine : IDisposable
{
    private const uint IoEventFdFlagDatamatch = 1;
    private const uint IoEventFdFlagPio = 2;
    private const uint IoEventFdFlagDeassign = 4;
    private const uint IrqFdFlagDeassign = 1;
    private const uint IrqFdFlagResample = 2;
    private const uint MsiValidDevId = 1;

    internal VirtualMachine(Kvm kvm, FileDescriptorHandle handle)
    {
        Kvm = kvm;
        Handle = handle;
        VcpuMmapSize = kvm.VcpuMmapSize;
    }

    /// <summary>The system handle this VM was created from.</summary>
    public Kvm Kvm { get; }

    /// <summary>The VM descriptor.</summary>
    public FileDescriptorHandle Handle { get; }

    internal int VcpuMmapSize { get; }

    /// <summary>KVM_CHECK_EXTENSION on the VM handle (VM-specific answers).</summary>
    /// <param name="capability">The capability.</param>
    /// <returns>0 when unsupported; otherwise 1 or a capability-specific integer.</returns>
    public int CheckExtension(Capability capability) =>
        Sys.IoctlValue(Handle, KvmIoctls.CheckExtension, (nint)capability, "KVM_CHECK_EXTENSION");

    /// <summary>KVM_SET_USER_MEMORY_REGION: maps host memory into the guest-physical space.</summary>
    /// <param name="slot">Slot number.</param>
    /// <param name="guestAddress">Guest-physical start (page aligned).</param>
    /// <param name="size">Size in bytes (page multiple); 0 deletes the slot.</param>
    /// <param name="hostAddress">Host virtual address of the backing memory (page aligned).</param>
    /// <param name="flags">Dirty logging / read-only.</param>
    public void SetUserMemoryRegion(uint slot, ulong guestAddress, ulong size, nint hostAddress, MemoryRegionFlags flags = MemoryRegionFlags.None)
    {
        var region = new KvmUserspaceMemoryRegion
        {
            Slot = slot,
            Flags = (uint)flags,
            GuestPhysAddr = guestAddress,
            MemorySize = size,
            UserspaceAddr = (ulong)hostAddress,
        };
        Sys.Ioctl(Handle, KvmIoctls.SetUserMemoryRegion, &region, "KVM_SET_USER_MEMORY_REGION");
    }

    /// <summary>Deletes a memory slot.</summary>
    /// <param name="slot">Slot number.</param>
    public void RemoveUserMemoryRegion(uint slot) => SetUserMemoryRegion(slot, 0, 0, 0);

    /// <summary>KVM_CREATE_IRQCHIP: in-kernel PIC pair, IOAPIC and local APICs.</summary>
    public void CreateIrqChip() => Sys.IoctlValue(Handle, KvmIoctls.CreateIrqchip, 0, "KVM_CREATE_IRQCHIP");

    /// <summary>Enables the split irqchip (local APICs in the kernel, IOAPIC/PIC in userspace) via KVM_ENABLE_CAP.</summary>
    /// <param name="ioapicPins">Number of IOAPIC routes reserved for userspace.</param>
    public void EnableSplitIrqChip(uint ioapicPins = 24) => EnableCapability(Capability.SplitIrqChip, ioapicPins);

    /// <summary>KVM_CREATE_PIT2: the in-kernel i8254.</summary>
    /// <param name="speakerDummy">KVM_PIT_SPEAKER_DUMMY: emulate port 0x61 as a dummy.</param>
    public void CreatePit2(bool speakerDummy = false)
    {
        var config = new KvmPitConfig { Flags = speakerDummy ? 1u : 0u };
        Sys.Ioctl(Handle, KvmIoctls.CreatePit2, &config, "KVM_CREATE_PIT2");
    }

    /// <summary>KVM_REINJECT_CONTROL: whether missed PIT ticks are reinjected.</summary>
    /// <param name="reinject">True to reinject (the kernel's default).</param>
    public void SetPitReinject(bool reinject)
    {
        var control = new KvmReinjectControl { PitReinject = reinject ? (byte)1 : (byte)0 };
        Sys.Ioctl(Handle, KvmIoctls.ReinjectControl, &control, "KVM_REINJECT_CONTROL");
    }

    /// <summary>KVM_SET_TSS_ADDR: three pages of guest-physical space KVM may use (needed on Intel before running a vCPU).</summary>
    /// <param name="address">Guest-physical address.</param>
    public void SetTssAddress(ulong address) => Sys.IoctlValue(Handle, KvmIoctls.SetTssAddr, (nint)address, "KVM_SET_TSS_ADDR");

    /// <summary>KVM_SET_IDENTITY_MAP_ADDR: one page KVM may use for the real-mode identity map.</summary>
    /// <param name="address">Guest-physical address.</param>
    public void SetIdentityMapAddress(ulong address) => Sys.Ioctl(Handle, KvmIoctls.SetIdentityMapAddr, &address, "KVM_SET_IDENTITY_MAP_ADDR");

    /// <summary>KVM_IRQ_LINE: sets the level of an interrupt line of the in-kernel irqchip.</summary>
    /// <param name="irq">GSI.</param>
    /// <param name="level">True for asserted.</param>
    public void SetIrqLine(uint irq, bool level)
    {
        var l = new KvmIrqLevel { Irq = irq, Level = level ? 1u : 0u };
        Sys.Ioctl(Handle, KvmIoctls.IrqLine, &l, "KVM_IRQ_LINE");
    }

    /// <summary>KVM_SIGNAL_MSI: injects one MSI.</summary>
    /// <param name="address">MSI address.</param>
    /// <param name="data">MSI data.</param>
    /// <param name="deviceId">Optional device id.</param>
    /// <returns>Positive when delivered, 0 when the guest blocked it.</returns>
    public int SignalMsi(ulong address, uint data, uint? deviceId = null)
    {
        var msi = new KvmMsi
        {
            AddressLo = (uint)address,
            AddressHi = (uint)(address >> 32),
            Data = data,
            Flags = deviceId.HasValue ? MsiValidDevId : 0,
            DevId = deviceId ?? 0,
        };
        return Sys.Ioctl(Handle, KvmIoctls.SignalMsi, &msi, "KVM_SIGNAL_MSI");
    }

    /// <summary>KVM_SET_GSI_ROUTING: replaces the whole routing table.</summary>
    /// <param name="table">The routes.</param>
    public void SetGsiRouting(GsiRoutingTable table) => Sys.Ioctl(Handle, KvmIoctls.SetGsiRouting, table.Buffer, "KVM_SET_GSI_ROUTING");

    /// <summary>KVM_IRQFD: signalling <paramref name="eventFd"/> injects <paramref name="gsi"/>.</summary>
    /// <param name="eventFd">The trigger.</param>
    /// <param name="gsi">The GSI.</param>
    /// <param name="resampleFd">For level-triggered lines (KVM_IRQFD_FLAG_RESAMPLE): signalled when the guest EOIs.</param>
    public void RegisterIrqFd(EventFd eventFd, uint gsi, EventFd? resampleFd = null)
    {
        var irqfd = new KvmIrqfd
        {
            Fd = (uint)eventFd.Handle.Fd,
            Gsi = gsi,
            Flags = resampleFd is null ? 0 : IrqFdFlagResample,
            ResampleFd = resampleFd is null ? 0 : (uint)resampleFd.Handle.Fd,
        };
        Sys.Ioctl(Handle, KvmIoctls.Irqfd, &irqfd, "KVM_IRQFD");
    }

    /// <summary>KVM_IRQFD with KVM_IRQFD_FLAG_DEASSIGN.</summary>
    /// <param name="eventFd">The trigger.</param>
    /// <param name="gsi">The GSI.</param>
    public void UnregisterIrqFd(EventFd eventFd, uint gsi)
    {
        var irqfd = new KvmIrqfd { Fd = (uint)eventFd.Handle.Fd, Gsi = gsi, Flags = IrqFdFlagDeassign };
        Sys.Ioctl(Handle, KvmIoctls.Irqfd, &irqfd, "KVM_IRQFD");
    }

    /// <summary>KVM_IOEVENTFD: a guest write to the address signals <paramref name="eventFd"/> without a userspace exit.</summary>
    /// <param name="eventFd">Signalled on a matching write.</param>
    /// <param name="space">PIO or MMIO.</param>
    /// <param name="address">Port or guest-physical address.</param>
    /// <param name="length">Access length (1, 2, 4, 8; 0 = any length where supported).</param>
    /// <param name="datamatch">When set, only writes of this value match.</param>
    public void RegisterIoEventFd(EventFd eventFd, IoEventSpace space, ulong address, uint length, ulong? datamatch = null) =>
        IoEventFd(eventFd, space, address, length, datamatch, 0);

    /// <summary>KVM_IOEVENTFD with KVM_IOEVENTFD_FLAG_DEASSIGN (same arguments as registration).</summary>
    /// <param name="eventFd">The eventfd.</param>
    /// <param name="space">PIO or MMIO.</param>
    /// <param name="address">Port or guest-physical address.</param>
    /// <param name="length">Access length.</param>
    /// <param name="datamatch">The datamatch used at registration.</param>
    public void UnregisterIoEventFd(EventFd eventFd, IoEventSpace space, ulong address, uint length, ulong? datamatch = null) =>
        IoEventFd(eventFd, space, address, length, datamatch, IoEventFdFlagDeassign);

    /// <summary>KVM_GET_DIRTY_LOG: fetches (and, without manual protect, resets) the dirty bitmap of a slot.</summary>
    /// <param name="slot">Slot with <see cref="MemoryRegionFlags.LogDirtyPages"/>.</param>
    /// <param name="bitmap">One bit per 4 KiB page of the slot; at least ceil(pages/64) words.</param>
    public void GetDirtyLog(uint slot, Span<ulong> bitmap)
    {
        fixed (ulong* p = bitmap)
        {
            var log = new KvmDirtyLog { Slot = slot, DirtyBitmap = (ulong)p };
            Sys.Ioctl(Handle, KvmIoctls.GetDirtyLog, &log, "KVM_GET_DIRTY_LOG");
        }
    }

    /// <summary>KVM_CLEAR_DIRTY_LOG (needs <see cref="Capability.ManualDirtyLogProtect2"/> enabled): re-protects pages.</summary>
    /// <param name="slot">Slot.</param>
    /// <param name="firstPage">First page (multiple of 64).</param>
    /// <param name="pageCount">Number of pages (multiple of 64 unless it reaches the slot's end).</param>
    /// <param name="bitmap">Bits of the pages to clear, starting at <paramref name="firstPage"/>.</param>
    public void ClearDirtyLog(uint slot, ulong firstPage, uint pageCount, ReadOnlySpan<ulong> bitmap)
    {
        fixed (ulong* p = bitmap)
        {
            var log = new KvmClearDirtyLog { Slot = slot, FirstPage = firstPage, NumPages = pageCount, DirtyBitmap = (ulong)p };
            Sys.Ioctl(Handle, KvmIoctls.ClearDirtyLog, &log, "KVM_CLEAR_DIRTY_LOG");
        }
    }

    /// <summary>KVM_GET_CLOCK.</summary>
    /// <returns>The kvmclock value.</returns>
    public KvmClock GetClock()
    {
        KvmClock clock;
        Sys.Ioctl(Handle, KvmIoctls.GetClock, &clock, "KVM_GET_CLOCK");
        return clock;
    }

    /// <summary>KVM_SET_CLOCK.</summary>
    /// <param name="clock">The value (only <see cref="KvmClock.Clock"/> and valid flags are used).</param>
    public void SetClock(in KvmClock clock)
    {
        var c = clock;
        Sys.Ioctl(Handle, KvmIoctls.SetClock, &c, "KVM_SET_CLOCK");
    }

    /// <summary>KVM_ENABLE_CAP on the VM.</summary>
    /// <param name="capability">Capability.</param>
    /// <param name="arg0">args[0].</param>
    /// <param name="arg1">args[1].</param>
    /// <param name="arg2">args[2].</param>
    /// <param name="arg3">args[3].</param>
    public void EnableCapability(Capability capability, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0)
    {
        var cap = new KvmEnableCap { Cap = (uint)capability, Arg0 = arg0, Arg1 = arg1, Arg2 = arg2, Arg3 = arg3 };
        Sys.Ioctl(Handle, KvmIoctls.EnableCap, &cap, "KVM_ENABLE_CAP");
    }

    /// <summary>KVM_REGISTER_COALESCED_MMIO: writes to the zone are buffered in the ring instead of exiting.</summary>
    /// <param name="space">MMIO or PIO (PIO needs <see cref="Capability.CoalescedPio"/>).</param>
    /// <param name="address">Start.</param>
    /// <param name="size">Length.</param>
    public void RegisterCoalescedZone(IoEventSpace space, ulong address, uint size)
    {
        var zone = new KvmCoalescedMmioZone { Addr = address, Size = size, Pio = space == IoEventSpace.Pio ? 1u : 0u };
        Sys.Ioctl(Handle, KvmIoctls.RegisterCoalescedMmio, &zone, "KVM_REGISTER_COALESCED_MMIO");
    }

    /// <summary>KVM_UNREGISTER_COALESCED_MMIO.</summary>
    /// <param name="space">MMIO or PIO.</param>
    /// <param name="address">Start.</param>
    /// <param name="size">Length.</param>
    public void UnregisterCoalescedZone(IoEventSpace space, ulong address, uint size)
    {
        var zone = new KvmCoalescedMmioZone { Addr = address, Size = size, Pio = space == IoEventSpace.Pio ? 1u : 0u };
        Sys.Ioctl(Handle, KvmIoctls.UnregisterCoalescedMmio, &zone, "KVM_UNREGISTER_COALESCED_MMIO");
    }

    /// <summary>KVM_CREATE_VCPU and maps its run page.</summary>
    /// <param name="id">vCPU id (APIC id).</param>
    /// <returns>The vCPU.</returns>
    public Vcpu CreateVcpu(uint id)
    {
        var fd = Sys.IoctlValue(Handle, KvmIoctls.CreateVcpu, (nint)id, "KVM_CREATE_VCPU");
        return new Vcpu(this, id, new FileDescriptorHandle(fd, ownsHandle: true));
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    private void IoEventFd(EventFd eventFd, IoEventSpace space, ulong address, uint length, ulong? datamatch, uint extraFlags)
    {
        var flags = extraFlags | (space == IoEventSpace.Pio ? IoEventFdFlagPio : 0) | (datamatch.HasValue ? IoEventFdFlagDatamatch : 0);
        var ev = new KvmIoeventfd
        {
            Datamatch = datamatch ?? 0,
            Addr = address,
            Len = length,
            Fd = eventFd.Handle.Fd,
            Flags = flags,
        };
        Sys.Ioctl(Handle, KvmIoctls.Ioeventfd, &ev, "KVM_IOEVENTFD");
    }
}
