using Vmm.Kvm.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class EmulationFailureTests
{
    private const ulong BreakpointHandler = TestVm.CodeAddress + 0x800;

    [Fact]
    public void Run_Int3AtCpl0OnPvm_ReportsEmulationFailureWithInstructionBytes()
    {
        KvmRequirement.Require();
        if (!PvmHost.IsPvm)
        {
            Assert.Skip("only a PVM host fails to emulate int3 at CPL0; on VT-x/SVM the guest takes #BP itself.");
        }

        using var t = new TestVm();
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.nop();
            a.int3();
            a.hlt();
        }));

        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.InternalError, exit.Reason);
        Assert.Equal(VcpuExit.EmulationSuberror, exit.InternalErrorSuberror);
        Assert.True(exit.HasInstructionBytes);
        Assert.Equal(0xcc, exit.InstructionBytes[0]);
        Assert.Equal(TestVm.CodeAddress + 1, t.Vcpu.GetRegisters().Rip);
    }

    [Fact]
    public void EmulationFallback_Int3PopcntFwaitAtCpl0_CompletesWithCorrectRegisters()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.Memory.Write(BreakpointHandler, Asm.Assemble(64, BreakpointHandler, a =>
        {
            a.mov(al, 3);
            a.@out(0x33, al); // the #BP handler ran
            a.iretq();
        }));
        t.SetIdtGate(3, BreakpointHandler);
        t.SetupLongMode(
            Asm.Assemble(64, TestVm.CodeAddress, a =>
            {
                a.int3();
                a.mov(rbx, 0xF0F0_0000_0000_00FFUL);
                a.popcnt(rsi, rbx);   // 16
                a.popcnt(ecx, ebx);   // 8, zero-extended
                a.mov(rdx, 0xFFFF_FFFF_FFFF_0000UL);
                a.popcnt(dx, dx);     // 0 → ZF, upper bits kept
                a.mov(r9, 0x7);
                a.popcnt(r10, r9);    // REX form: 3
                a.wait();
                a.mov(al, 0x34);
                a.@out(0x34, al);
                a.hlt();
            }),
            withIdt: true);

        var fallback = new EmulationFallback();
        var handlerRan = false;
        var done = false;
        for (var i = 0; i < 50 && !done; i++)
        {
            var exit = t.Vcpu.Run();
            switch (exit.Reason)
            {
                case VcpuExitReason.InternalError:
                    var result = fallback.Handle(t.Vcpu, exit.InstructionBytes);
                    Assert.True(result.Handled, result.Instruction);
                    break;
                case VcpuExitReason.Io when exit.IoPort == 0x33:
                    handlerRan = true;
                    break;
                case VcpuExitReason.Io when exit.IoPort == 0x34:
                    done = true;
                    break;
                default:
                    Assert.Fail("unexpected exit " + exit.ToString());
                    break;
            }
        }

        Assert.True(done);
        Assert.True(handlerRan);
        var regs = t.Vcpu.GetRegisters();
        Assert.Equal(16UL, regs.Rsi);
        Assert.Equal(8UL, regs.Rcx);
        Assert.Equal(0xFFFF_FFFF_FFFF_0000UL, regs.Rdx);
        Assert.Equal(3UL, regs.R10);
        if (PvmHost.IsPvm)
        {
            var counts = fallback.Counts;
            Assert.Equal(1, counts["int3"]);
            Assert.Equal(4, counts["popcnt"]);
            Assert.Equal(1, counts["wait"]);
            Assert.Equal(6, fallback.TotalEmulated);
            Assert.Equal(0, fallback.NotHandledCount);
        }
    }
}
