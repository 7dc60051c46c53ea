using Vmm.Kvm.Tests.Support;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class VirtualMachineTests
{
    [Fact]
    public void InKernelDevices_IrqChipPitRoutingMsi_Accepted()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        using var vm = kvm.CreateVm();
        vm.SetTssAddress(0xfffbd000);
        vm.SetIdentityMapAddress(0xfffbc000);
        vm.CreateIrqChip();
        vm.CreatePit2(speakerDummy: true);
        vm.SetPitReinject(false);
        vm.SetIrqLine(4, true);
        vm.SetIrqLine(4, false);
        using var routes = new GsiRoutingTable();
        for (uint i = 0; i < 16; i++)
        {
            if (i != 2)
            {
                routes.AddIrqChip(i, i < 8 ? IrqChip.PicMaster : IrqChip.PicSlave, i % 8);
            }

            routes.AddIrqChip(i, IrqChip.IoApic, i == 0 ? 2u : i);
        }

        routes.AddMsi(24, 0xfee00000, 0x41);
        vm.SetGsiRouting(routes);
        using var vcpu = vm.CreateVcpu(0);
        Assert.True(vm.SignalMsi(0xfee00000, 0x41) >= 0);

        using var trigger = new EventFd();
        using var resample = new EventFd();
        vm.RegisterIrqFd(trigger, 10, resample);
        vm.UnregisterIrqFd(trigger, 10);
    }

    [Fact]
    public void SplitIrqChip_EnableCap_Accepted()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        using var vm = kvm.CreateVm();
        Assert.True(vm.CheckExtension(Capability.SplitIrqChip) > 0);
        vm.EnableSplitIrqChip(24);
        using var vcpu = vm.CreateVcpu(0);
        Assert.Equal(0x41 == 0x41, vm.SignalMsi(0xfee00000, 0x41) >= 0);
    }

    [Fact]
    public void Clock_SetThenGet_Advances()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        using var vm = kvm.CreateVm();
        vm.SetClock(new KvmClock { Clock = 5_000_000_000 });
        Assert.True(vm.GetClock().Clock >= 5_000_000_000);
    }

    [Fact]
    public void CoalescedMmio_RegisterAndUnregister_Accepted()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        using var vm = kvm.CreateVm();
        vm.RegisterCoalescedZone(IoEventSpace.Mmio, 0xd0000000, 0x1000);
        vm.UnregisterCoalescedZone(IoEventSpace.Mmio, 0xd0000000, 0x1000);
    }

    [Fact]
    public void ClearDirtyLog_ManualProtect_ClearsBits()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        if (kvm.CheckExtension(Capability.ManualDirtyLogProtect2) == 0)
        {
            Assert.Skip("KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 is not supported here.");
        }

        using var vm = kvm.CreateVm();
        vm.EnableCapability(Capability.ManualDirtyLogProtect2, 1); // protect enable, pages start clean
        using var mem = new TestMemory(64 * 4096);
        vm.SetUserMemoryRegion(0, 0, mem.Size, mem.Host, MemoryRegionFlags.LogDirtyPages);
        Span<ulong> bitmap = stackalloc ulong[1];
        vm.GetDirtyLog(0, bitmap);
        bitmap[0] = ulong.MaxValue;
        vm.ClearDirtyLog(0, 0, 64, bitmap);
    }

    [Fact]
    public void SetUserMemoryRegion_ReadOnlySlot_GuestWriteExitsAsMmio()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        if (!t.Kvm.HasCapability(Capability.ReadonlyMem))
        {
            Assert.Skip("KVM_CAP_READONLY_MEM is not supported here.");
        }

        using var rom = new TestMemory(4096);
        t.Vm.SetUserMemoryRegion(2, 0x900000, rom.Size, rom.Host, MemoryRegionFlags.ReadOnly);
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.mov(Iced.Intel.AssemblerRegisters.rbx, 0x900000);
            a.mov(Iced.Intel.AssemblerRegisters.__byte_ptr[Iced.Intel.AssemblerRegisters.rbx], 1);
            a.hlt();
        }));
        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Mmio, exit.Reason);
        Assert.True(exit.MmioIsWrite);
        Assert.Equal(0x900000UL, exit.MmioAddress);
        t.Vm.RemoveUserMemoryRegion(2);
    }
}
