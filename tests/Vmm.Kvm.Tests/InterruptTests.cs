using Vmm.Kvm.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class InterruptTests
{
    private const ulong HandlerAddress = TestVm.CodeAddress + 0x800;

    [Fact]
    public void RegisterIrqFd_EventFdSignalled_GuestIdtHandlerRuns()
    {
        KvmRequirement.Require();
        using var t = new TestVm(irqChip: true);
        const int irq = 5;
        const int vector = 0x20 + irq;
        t.Memory.Write(HandlerAddress, Asm.Assemble(64, HandlerAddress, a =>
        {
            a.mov(al, vector);
            a.@out(0x30, al); // tell the VMM the handler ran
            a.mov(al, 0x20);
            a.@out(0x20, al); // EOI to the master PIC
            a.iretq();
        }));
        t.SetIdtGate(vector, HandlerAddress);
        t.SetupLongMode(
            Asm.Assemble(64, TestVm.CodeAddress, a =>
            {
                // Initialise the 8259 master: vectors 0x20.., only IRQ 5 unmasked.
                a.mov(al, 0x11);
                a.@out(0x20, al);
                a.mov(al, 0x20);
                a.@out(0x21, al);
                a.mov(al, 0x04);
                a.@out(0x21, al);
                a.mov(al, 0x01);
                a.@out(0x21, al);
                a.mov(al, unchecked((byte)~(1 << irq)));
                a.@out(0x21, al);
                a.sti();
                a.@out(0x31, al); // ready
                var idle = a.CreateLabel();
                a.Label(ref idle);
                a.hlt();
                a.jmp(idle);
            }),
            withIdt: true);

        using var trigger = new EventFd();
        t.Vm.RegisterIrqFd(trigger, irq);
        var handled = false;
        for (var i = 0; i < 10 && !handled; i++)
        {
            var exit = t.Vcpu.Run();
            Assert.Equal(VcpuExitReason.Io, exit.Reason);
            if (exit.IoPort == 0x31)
            {
                trigger.Write();
            }
            else if (exit.IoPort == 0x30)
            {
                Assert.Equal(vector, exit.IoData[0]);
                handled = true;
            }
        }

        Assert.True(handled);
        t.Vm.UnregisterIrqFd(trigger, irq);
    }

    [Fact]
    public void RegisterIoEventFd_GuestWrites_SignalsWithoutExit()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            a.mov(rbx, 0x20000000);
            a.mov(__dword_ptr[rbx], eax);   // MMIO ioeventfd, any value
            a.mov(al, 7);
            a.@out(0x40, al);              // PIO ioeventfd with datamatch 7: no exit
            a.mov(al, 8);
            a.@out(0x40, al);              // datamatch fails: ordinary exit
            a.hlt();
        }));

        using var mmio = new EventFd();
        using var pio = new EventFd();
        t.Vm.RegisterIoEventFd(mmio, IoEventSpace.Mmio, 0x20000000, 4);
        t.Vm.RegisterIoEventFd(pio, IoEventSpace.Pio, 0x40, 1, datamatch: 7);

        var exit = t.Vcpu.Run();
        Assert.Equal(VcpuExitReason.Io, exit.Reason);
        Assert.Equal(0x40, exit.IoPort);
        Assert.Equal(8, exit.IoData[0]);
        Assert.True(mmio.TryRead(out var mmioCount));
        Assert.Equal(1UL, mmioCount);
        Assert.True(pio.TryRead(out var pioCount));
        Assert.Equal(1UL, pioCount);
        Assert.Equal(VcpuExitReason.Hlt, t.Vcpu.Run().Reason);

        t.Vm.UnregisterIoEventFd(mmio, IoEventSpace.Mmio, 0x20000000, 4);
        t.Vm.UnregisterIoEventFd(pio, IoEventSpace.Pio, 0x40, 1, datamatch: 7);
    }
}
