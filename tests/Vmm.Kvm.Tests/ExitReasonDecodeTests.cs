using FsCheck.Xunit;

namespace Vmm.Kvm.Tests;

public sealed class ExitReasonDecodeTests
{
    [Fact]
    public void Decode_EveryNamedReason_ReturnsThatReason()
    {
        foreach (var reason in Enum.GetValues<VcpuExitReason>().Where(r => r != VcpuExitReason.Unrecognized))
        {
            Assert.InRange((int)reason, 0, 63);
            Assert.Equal(reason, Vcpu.Decode((uint)reason));
        }
    }

    [Theory]
    [InlineData(2u, VcpuExitReason.Io)]
    [InlineData(6u, VcpuExitReason.Mmio)]
    [InlineData(10u, VcpuExitReason.Interrupted)]
    [InlineData(17u, VcpuExitReason.InternalError)]
    [InlineData(24u, VcpuExitReason.SystemEvent)]
    [InlineData(37u, VcpuExitReason.Notify)]
    [InlineData(13u, VcpuExitReason.Unrecognized)]
    [InlineData(38u, VcpuExitReason.Unrecognized)]
    [InlineData(64u, VcpuExitReason.Unrecognized)]
    [InlineData(uint.MaxValue, VcpuExitReason.Unrecognized)]
    public void Decode_KernelNumber_MatchesKvmExitConstant(uint raw, VcpuExitReason expected) => Assert.Equal(expected, Vcpu.Decode(raw));

    [Property]
    public bool Decode_AnyNumber_IsItselfOrUnrecognized(uint raw)
    {
        var reason = Vcpu.Decode(raw);
        return reason == VcpuExitReason.Unrecognized || ((uint)reason == raw && Enum.IsDefined(reason));
    }

    [Fact]
    public void Decode_ManyNumbers_DoesNotAllocate()
    {
        long sum = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint raw = 0; raw < 10_000; raw++)
        {
            sum += (long)Vcpu.Decode(raw % 80);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.NotEqual(0, sum);
    }
}
