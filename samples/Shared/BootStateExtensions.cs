using Vmm.Kvm;
using Vmm.Loader;

namespace Vmm.Samples;

/// <summary>
/// Vmm.Loader describes the boot CPU as plain data (it does not depend on Vmm.Kvm); this copies it into a KVM vCPU's
/// special and general registers.
/// </summary>
internal static class BootStateExtensions
{
    public static void ApplyTo(this X86BootState boot, Vcpu vcpu)
    {
        var sregs = vcpu.GetSpecialRegisters();
        sregs.Cs = ToKvm(boot.Cs);
        sregs.Ds = sregs.Es = sregs.Fs = sregs.Gs = sregs.Ss = ToKvm(boot.Data);
        sregs.Tr = ToKvm(boot.Tr);
        sregs.Gdt = new DescriptorTable { Base = boot.Gdt.Base, Limit = boot.Gdt.Limit };
        sregs.Idt = new DescriptorTable { Base = boot.Idt.Base, Limit = boot.Idt.Limit };
        sregs.Cr0 = boot.Cr0;
        sregs.Cr3 = boot.Cr3;
        sregs.Cr4 = boot.Cr4;
        sregs.Efer = boot.Efer;
        vcpu.SetSpecialRegisters(sregs);
        vcpu.SetRegisters(new Registers { Rip = boot.Rip, Rsp = boot.Rsp, Rbp = boot.Rbp, Rsi = boot.Rsi, Rbx = boot.Rbx, Rflags = boot.Rflags });
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
