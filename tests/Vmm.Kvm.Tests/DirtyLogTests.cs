using Vmm.Kvm.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class DirtyLogTests
{
    [Fact]
    public void GetDirtyLog_GuestWritesThreePages_ReportsExactlyThosePages()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        const ulong slotBase = 0x800000; // above the RAM slot, inside the identity map
        const int pages = 64;
        using var data = new TestMemory(pages * 4096);
        t.Vm.SetUserMemoryRegion(1, slotBase, data.Size, data.Host, MemoryRegionFlags.LogDirtyPages);
        int[] written = [1, 3, 40];
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            foreach (var page in written)
            {
                a.mov(rbx, slotBase + ((ulong)page * 4096) + 8);
                a.mov(__qword_ptr[rbx], rbx);
            }

            a.mov(rbx, slotBase + (10 * 4096));
            a.mov(rax, __qword_ptr[rbx]); // a read does not dirty
            a.hlt();
        }));

        Span<ulong> bitmap = stackalloc ulong[1];
        t.Vm.GetDirtyLog(1, bitmap); // start clean
        Assert.Equal(VcpuExitReason.Hlt, t.Vcpu.Run().Reason);
        t.Vm.GetDirtyLog(1, bitmap);
        var expected = written.Aggregate(0UL, (m, p) => m | (1UL << p));
        Assert.Equal(expected, bitmap[0]);
        Assert.Equal(slotBase + 4096 + 8, data.ReadUInt64(4096 + 8));

        t.Vm.GetDirtyLog(1, bitmap); // reset by the previous read
        Assert.Equal(0UL, bitmap[0]);
    }
}
