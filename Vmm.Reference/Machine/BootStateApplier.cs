using Vmm.Kvm;
using Vmm.Loader;

namespace Vmm.Reference.Machine;

/// <summary>Applies the loader's boot CPU state (plain data) to a vCPU through the KVM API.</summary>
internal static class BootStateApplier
{
    public static void Apply(Vcpu vcpu, X86BootState state)
    {
        var sregs = vcpu.GetSpecialRegisters();
        sregs.Cs = ToKvm(state.Cs);
        var data = ToKvm(state.Data);
        sregs.Ds = data;
        sregs.Es = data;
        sregs.Fs = data;
        sregs.Gs = data;
        sregs.Ss = data;
        sregs.Tr = ToKvm(state.Tr);
        sregs.Gdt.Base = state.Gdt.Base;
        sregs.Gdt.Limit = state.Gdt.Limit;
        sregs.Idt.Base = state.Idt.Base;
        sregs.Idt.Limit = state.Idt.Limit;
        sregs.Cr0 = state.Cr0;
        sregs.Cr3 = state.Cr3;
        sregs.Cr4 = state.Cr4;
        sregs.Efer = state.Efer;
        vcpu.SetSpecialRegisters(sregs);

        var regs = new Registers
        {
            Rip = state.Rip,
            Rsp = state.Rsp,
            Rbp = state.Rbp,
            Rsi = state.Rsi,
            Rbx = state.Rbx,
            Rflags = state.Rflags,
        };
        vcpu.SetRegisters(regs);
    }

    private static Segment ToKvm(SegmentRegister s) => new()
    {
        Base = s.Base,
        Limit = s.Limit,
        Selector = s.Selector,
        Type = s.Type,
        Present = s.Present ? (byte)1 : (byte)0,
        Dpl = s.Dpl,
        DefaultSize = s.DefaultSize ? (byte)1 : (byte)0,
        System = s.Segment ? (byte)1 : (byte)0,
        Long = s.Long ? (byte)1 : (byte)0,
        Granularity = s.Granularity ? (byte)1 : (byte)0,
        Available = s.Available ? (byte)1 : (byte)0,
        Unusable = s.Present ? (byte)0 : (byte)1,
    };
}
