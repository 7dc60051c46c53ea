using Vmm.Kvm.Tests.Support;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class VcpuStateTests
{
    [Fact]
    public void SetRegisters_ThenGet_RoundTrips()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        var r = new Registers { Rax = 1, Rbx = 2, R15 = 0xfeed, Rip = 0x1234, Rflags = 0x202, Rsp = 0x8000 };
        t.Vcpu.SetRegisters(r);
        var back = t.Vcpu.GetRegisters();
        Assert.Equal(r.Rax, back.Rax);
        Assert.Equal(r.R15, back.R15);
        Assert.Equal(r.Rip, back.Rip);
        Assert.Equal(r.Rflags, back.Rflags);
    }

    [Fact]
    public void StateAccessors_AllKinds_RoundTrip()
    {
        KvmRequirement.Require();
        using var t = new TestVm(irqChip: true);
        var v = t.Vcpu;

        var fpu = v.GetFpu();
        fpu.Mxcsr = 0x1f80;
        fpu.Xmm[0] = 0xab;
        v.SetFpu(fpu);
        Assert.Equal(0xab, v.GetFpu().Xmm[0]);

        var lapic = v.GetLapic();
        v.SetLapic(lapic);

        using (var msrs = MsrEntries.ForIndices([0x174u])) // IA32_SYSENTER_CS
        {
            msrs.Entries[0].Data = 0x10;
            Assert.Equal(1, v.SetMsrs(msrs));
            msrs.Entries[0].Data = 0;
            Assert.Equal(1, v.GetMsrs(msrs));
            Assert.Equal(0x10UL, msrs.Entries[0].Data);
        }

        using (var supported = t.Kvm.GetSupportedCpuid())
        {
            v.SetCpuid(supported);
            using var back = v.GetCpuid();
            Assert.Equal(supported.Count, back.Count);
        }

        v.SetMpState(MpState.Runnable);
        Assert.Equal(MpState.Runnable, v.GetMpState());

        if (t.Kvm.HasCapability(Capability.Xsave))
        {
            v.SetXsave(v.GetXsave());
        }

        if (t.Kvm.HasCapability(Capability.Xcrs))
        {
            var xcrs = v.GetXcrs();
            v.SetXcrs(xcrs);
            Assert.True(xcrs.Count >= 1);
        }

        var dbg = v.GetDebugRegisters();
        dbg.Db0 = 0x1000;
        v.SetDebugRegisters(dbg);
        Assert.Equal(0x1000UL, v.GetDebugRegisters().Db0);

        var events = v.GetEvents();
        v.SetEvents(events);

        Assert.True(v.GetTscKhz() > 0);
    }

    [Fact]
    public void Translate_LongModeIdentityMap_ReturnsSameAddress()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupLongMode([0xf4]);
        var tr = t.Vcpu.Translate(0x12345678);
        Assert.Equal(1, tr.Valid);
        Assert.Equal(0x12345678UL, tr.PhysicalAddress);
    }
}
