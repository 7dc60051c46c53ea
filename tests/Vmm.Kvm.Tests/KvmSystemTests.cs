using Vmm.Kvm.Tests.Support;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class KvmSystemTests
{
    [Fact]
    public void Open_RealDevice_ApiVersion12AndCapabilities()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        Assert.Equal(12, kvm.ApiVersion);
        Assert.True(kvm.VcpuMmapSize >= 4096);
        Assert.True(kvm.HasCapability(Capability.UserMemory));
        Assert.True(kvm.HasCapability(Capability.IrqChip));
        Assert.True(kvm.HasCapability(Capability.ImmediateExit));
        Assert.True(kvm.CheckExtension(Capability.NrMemslots) > 1);
    }

    [Fact]
    public void Open_MissingDevice_ThrowsWithErrno()
    {
        var e = Assert.Throws<KvmException>(() => Kvm.Open("/nonexistent/kvm"));
        Assert.Equal(2, e.Errno); // ENOENT
        Assert.Contains("/nonexistent/kvm", e.Operation, StringComparison.Ordinal);
    }

    [Fact]
    public void GetSupportedCpuid_RealDevice_ContainsLeafZero()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        using var cpuid = kvm.GetSupportedCpuid();
        Assert.True(cpuid.Count > 1);
        Assert.False(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref cpuid.Find(0)));
        using var emulated = kvm.GetEmulatedCpuid();
        Assert.True(emulated.Count >= 0);
    }

    [Fact]
    public void GetMsrIndexList_RealDevice_ContainsStarAndSysenterCs()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        var list = kvm.GetMsrIndexList();
        Assert.Contains(0xc0000081u, list); // STAR
        Assert.Contains(0x174u, list); // SYSENTER_CS
    }

    [Fact]
    public void CreateVcpu_DuplicateId_ThrowsKvmExceptionNamingTheIoctl()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        var e = Assert.Throws<KvmException>(() => t.Vm.CreateVcpu(0));
        Assert.Equal("KVM_CREATE_VCPU", e.Operation);
        Assert.Equal(17, e.Errno); // EEXIST
    }

    [Fact]
    public void Dispose_VmBeforeVcpu_VcpuStillUsable()
    {
        KvmRequirement.Require();
        using var kvm = Kvm.Open();
        var vm = kvm.CreateVm();
        using var vcpu = vm.CreateVcpu(0);
        vm.Dispose();
        Assert.Equal(MpState.Runnable, vcpu.GetMpState());
    }
}
