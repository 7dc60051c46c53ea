namespace Vmm.Kvm.Tests.Support;

/// <summary>A VM with one slot of guest RAM at 0 and one vCPU, in real mode or 64-bit long mode.</summary>
internal sealed class TestVm : IDisposable
{
    public const ulong CodeAddress = 0x10000;
    public const ulong GdtAddress = 0x500;
    public const ulong IdtAddress = 0x1000;
    public const ulong Pml4Address = 0x2000;
    public const ulong PdptAddress = 0x3000;
    public const ulong PdAddress = 0x4000; // four PD pages: 0x4000..0x7fff map 4 GiB
    public const ulong StackTop = 0x9000;
    public const ulong RamSize = 0x400000;

    public TestVm(bool irqChip = false, ulong ramSize = RamSize)
    {
        Kvm = Kvm.Open();
        Vm = Kvm.CreateVm();
        Memory = new TestMemory(ramSize);
        if (irqChip)
        {
            Vm.CreateIrqChip();
        }

        Vm.SetUserMemoryRegion(0, 0, ramSize, Memory.Host);
        Vcpu = Vm.CreateVcpu(0);
    }

    public Kvm Kvm { get; }

    public VirtualMachine Vm { get; }

    public Vcpu Vcpu { get; }

    public TestMemory Memory { get; }

    /// <summary>Loads 16-bit code at CS=0:<see cref="CodeAddress"/>... real mode at 0x1000:0 is awkward, so CS base 0, IP = address.</summary>
    public void SetupRealMode(byte[] code, ulong address = 0x7c00)
    {
        Memory.Write(address, code);
        var s = Vcpu.GetSpecialRegisters();
        s.Cs.Base = 0;
        s.Cs.Selector = 0;
        s.Ds.Base = 0;
        s.Ds.Selector = 0;
        s.Es.Base = 0;
        s.Es.Selector = 0;
        s.Ss.Base = 0;
        s.Ss.Selector = 0;
        Vcpu.SetSpecialRegisters(s);
        Vcpu.SetRegisters(new Registers { Rip = address, Rflags = 2, Rsp = 0x7000 });
    }

    /// <summary>Builds identity-mapped 2 MiB page tables for 4 GiB and a GDT, enters 64-bit mode at <see cref="CodeAddress"/>.</summary>
    public void SetupLongMode(byte[] code, bool withIdt = false)
    {
        Memory.Write(CodeAddress, code);
        Memory.WriteUInt64(GdtAddress, 0);
        Memory.WriteUInt64(GdtAddress + 8, 0x00af9b000000ffff); // 64-bit code, DPL0
        Memory.WriteUInt64(GdtAddress + 16, 0x00cf93000000ffff); // data
        Memory.WriteUInt64(Pml4Address, PdptAddress | 3);
        for (ulong i = 0; i < 4; i++)
        {
            Memory.WriteUInt64(PdptAddress + (i * 8), (PdAddress + (i * 0x1000)) | 3);
        }

        for (ulong i = 0; i < 2048; i++)
        {
            Memory.WriteUInt64(PdAddress + (i * 8), (i << 21) | 0x83); // present, writable, 2 MiB
        }

        var s = Vcpu.GetSpecialRegisters();
        s.Cr3 = Pml4Address;
        s.Cr4 = 1 << 5; // PAE
        s.Cr0 = 0x80000001 | 0x10 | 0x20; // PG | PE | ET | NE
        s.Efer = 0x500; // LME | LMA
        s.Gdt = new DescriptorTable { Base = GdtAddress, Limit = 23 };
        s.Idt = withIdt ? new DescriptorTable { Base = IdtAddress, Limit = (256 * 16) - 1 } : new DescriptorTable { Base = 0, Limit = 0 };
        s.Cs = new Segment { Base = 0, Limit = 0xffffffff, Selector = 8, Type = 11, Present = 1, Dpl = 0, DefaultSize = 0, System = 1, Long = 1, Granularity = 1 };
        var data = new Segment { Base = 0, Limit = 0xffffffff, Selector = 16, Type = 3, Present = 1, Dpl = 0, DefaultSize = 1, System = 1, Long = 0, Granularity = 1 };
        s.Ds = data;
        s.Es = data;
        s.Fs = data;
        s.Gs = data;
        s.Ss = data;
        Vcpu.SetSpecialRegisters(s);
        Vcpu.SetRegisters(new Registers { Rip = CodeAddress, Rflags = 2, Rsp = StackTop });
    }

    /// <summary>Writes a 64-bit interrupt gate for <paramref name="vector"/> pointing at <paramref name="handler"/>.</summary>
    public void SetIdtGate(int vector, ulong handler)
    {
        var e = IdtAddress + ((ulong)vector * 16);
        Memory.WriteUInt16(e, (ushort)handler);
        Memory.WriteUInt16(e + 2, 8);
        Memory.WriteUInt16(e + 4, 0x8e00); // present, DPL0, 64-bit interrupt gate
        Memory.WriteUInt16(e + 6, (ushort)(handler >> 16));
        Memory.WriteUInt32(e + 8, (uint)(handler >> 32));
        Memory.WriteUInt32(e + 12, 0);
    }

    public void Dispose()
    {
        Vcpu.Dispose();
        Vm.Dispose();
        Kvm.Dispose();
        Memory.Dispose();
    }
}
