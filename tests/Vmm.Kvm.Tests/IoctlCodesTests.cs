using FsCheck.Xunit;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm.Tests;

public sealed class IoctlCodesTests
{
    [Property]
    public bool Ioc_AnyFields_DecodesBackToTheSameFields(byte type, byte nr, ushort rawSize, byte rawDir)
    {
        var size = (uint)(rawSize & 0x3fff);
        var dir = (uint)(rawDir & 3);
        var code = IoctlCodes.Ioc(dir, type, nr, size);
        return IoctlCodes.Dir(code) == dir && IoctlCodes.Type(code) == type && IoctlCodes.Nr(code) == nr && IoctlCodes.Size(code) == size;
    }

    [Property]
    public void Ioc_SizeTooLarge_Throws(ushort extra)
    {
        var size = 0x4000u + extra;
        Assert.Throws<ArgumentOutOfRangeException>(() => IoctlCodes.Ioc(IoctlCodes.DirRead, 0xae, 1, size));
    }

    [Fact]
    public void Iowr_KnownKvmRequest_MatchesKernelConstant()
    {
        // KVM_GET_SUPPORTED_CPUID = _IOWR(0xAE, 0x05, struct kvm_cpuid2) = 0xc008ae05
        Assert.Equal(0xc008ae05u, KvmIoctls.GetSupportedCpuid);
        Assert.Equal(0xae80u, KvmIoctls.Run);
    }
}
