using System.Text;
using Vmm.Kvm.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class GuestExitTests
{
    [Fact]
    public void Run_RealModeOutInHlt_ReportsPioAndHlt()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupRealMode(Asm.Assemble(16, 0x7c00, a =>
        {
            a.mov(al, 0x42);
            a.@out(0x10, al);
            a.@in(al, 0x11);
            a.@out(0x12, al);
            a.hlt();
        }));

        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Io, exit.Reason);
        Assert.Equal(IoDirection.Out, exit.IoDirection);
        Assert.Equal(0x10, exit.IoPort);
        Assert.Equal(1, exit.IoSize);
        Assert.Equal(1, exit.IoCount);
        Assert.Equal(0x42, exit.IoData[0]);

        exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Io, exit.Reason);
        Assert.Equal(IoDirection.In, exit.IoDirection);
        Assert.Equal(0x11, exit.IoPort);
        exit.IoData[0] = 0x99;

        exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Io, exit.Reason);
        Assert.Equal(0x12, exit.IoPort);
        Assert.Equal(0x99, exit.IoData[0]);

        exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Hlt, exit.Reason);
    }

    [Fact]
    public void Run_LongModeFromSregs_Executes64BitCode()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.mov(rax, 0x1122334455667788);
            a.mov(rbx, rax);
            a.shr(rbx, 32);
            a.mov(dx, 0x20);
            a.@out(dx, eax);
            a.hlt();
        }));

        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Io, exit.Reason);
        Assert.Equal(IoDirection.Out, exit.IoDirection);
        Assert.Equal(0x20, exit.IoPort);
        Assert.Equal(4, exit.IoSize);
        Assert.Equal(0x55667788u, BitConverter.ToUInt32(exit.IoData));
        var regs = t.Vcpu.GetRegisters();
        Assert.Equal(0x11223344UL, regs.Rbx);
        var sregs = t.Vcpu.GetSpecialRegisters();
        Assert.Equal(1, sregs.Cs.Long);
        Assert.Equal(0x500UL, sregs.Efer & 0x500);
        Assert.Equal(VcpuExitReason.Hlt, t.Vcpu.Run().Reason);
    }

    [Fact]
    public void Run_MmioWriteAndRead_CarriesAddressAndData()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.mov(rbx, 0x20000000);
            a.mov(eax, 0xdeadbeef);
            a.mov(__dword_ptr[rbx], eax);
            a.mov(rcx, __qword_ptr[rbx + 8]);
            a.mov(rax, rcx);
            a.mov(dx, 0x20);
            a.@out(dx, eax);
            a.hlt();
        }));

        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Mmio, exit.Reason);
        Assert.True(exit.MmioIsWrite);
        Assert.Equal(0x20000000UL, exit.MmioAddress);
        Assert.Equal(4, exit.MmioData.Length);
        Assert.Equal(0xdeadbeefu, BitConverter.ToUInt32(exit.MmioData));

        exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Mmio, exit.Reason);
        Assert.False(exit.MmioIsWrite);
        Assert.Equal(0x20000008UL, exit.MmioAddress);
        Assert.Equal(8, exit.MmioData.Length);
        BitConverter.TryWriteBytes(exit.MmioData, 0x0102030405060708UL);

        exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Io, exit.Reason);
        Assert.Equal(0x05060708u, BitConverter.ToUInt32(exit.IoData));
        Assert.Equal(0x0102030405060708UL, t.Vcpu.GetRegisters().Rcx);
    }

    [Fact]
    public void Run_RepOutsb_DeliversAllBytesInOrder()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        const ulong text = 0x8000;
        t.Memory.Write(text, "Hello, KVM!"u8);
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.mov(rsi, text);
            a.mov(rcx, 11);
            a.mov(dx, 0x3f8);
            a.rep.outsb();
            a.hlt();
        }));

        var received = new StringBuilder();
        while (true)
        {
            var exit = t.Vcpu.Run();
            if (exit.Reason == VcpuExitReason.Hlt)
            {
                break;
            }

            Assert.Equal(VcpuExitReason.Io, exit.Reason);
            Assert.Equal(0x3f8, exit.IoPort);
            Assert.Equal(IoDirection.Out, exit.IoDirection);
            Assert.Equal(exit.IoCount, exit.IoData.Length);
            received.Append(Encoding.ASCII.GetString(exit.IoData));
        }

        // KVM's emulator completes OUTS one element per exit; INS is batched (see the next test).
        Assert.Equal("Hello, KVM!", received.ToString());
    }

    [Fact]
    public void Run_RepInsb_BatchesCountAboveOne()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        const ulong buffer = 0x8000;
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.mov(rdi, buffer);
            a.mov(rcx, 16);
            a.mov(dx, 0x60);
            a.rep.insb();
            a.hlt();
        }));

        var next = 0;
        var maxCount = 0;
        while (true)
        {
            var exit = t.Vcpu.Run();
            if (exit.Reason == VcpuExitReason.Hlt)
            {
                break;
            }

            Assert.Equal(VcpuExitReason.Io, exit.Reason);
            Assert.Equal(IoDirection.In, exit.IoDirection);
            Assert.Equal(0x60, exit.IoPort);
            maxCount = Math.Max(maxCount, exit.IoCount);
            foreach (ref var b in exit.IoData)
            {
                b = (byte)(0xa0 + next++);
            }
        }

        Assert.Equal(16, next);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal((byte)(0xa0 + i), t.Memory.Slice(buffer, 16)[i]);
        }

        Assert.True(maxCount > 1, $"string IN should arrive in batches, largest count was {maxCount}");
    }

    [Fact]
    public void Run_TripleFault_ReportsShutdown()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.ud2(); // no IDT: #UD -> #GP -> #DF -> triple fault
        }));

        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Shutdown, exit.Reason);
    }

    [Fact]
    public void Run_PioLoop_AllocatesNothingPerExit()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupRealMode(Asm.Assemble(16, 0x7c00, a =>
        {
            var top = a.CreateLabel();
            a.Label(ref top);
            a.@in(al, 0x11);
            a.@out(0x10, al);
            a.jmp(top);
        }));

        static long Loop(Vcpu vcpu, int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++)
            {
                var exit = vcpu.Run();
                if (exit.Reason != VcpuExitReason.Io)
                {
                    throw new InvalidOperationException(exit.Reason.ToString());
                }

                if (exit.IoDirection == IoDirection.In)
                {
                    exit.IoData[0] = (byte)i;
                }
                else
                {
                    sum += exit.IoData[0];
                }
            }

            return sum;
        }

        Loop(t.Vcpu, 200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Loop(t.Vcpu, 2000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
