using System.Runtime.CompilerServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm.Tests.Support;

/// <summary>Every mirrored struct's size and field offsets as .NET lays them out, each with the C expression that must agree.</summary>
internal static class LayoutTable
{
    public static List<(string Key, string CExpression, long Value)> Build()
    {
        Entries.Clear();
        Size<Registers>("kvm_regs", "sizeof(struct kvm_regs)");
        { var s = default(Registers); Offset("kvm_regs.rax", "offsetof(struct kvm_regs, rax)", Off(ref s, ref s.Rax)); }
        { var s = default(Registers); Offset("kvm_regs.rbx", "offsetof(struct kvm_regs, rbx)", Off(ref s, ref s.Rbx)); }
        { var s = default(Registers); Offset("kvm_regs.rcx", "offsetof(struct kvm_regs, rcx)", Off(ref s, ref s.Rcx)); }
        { var s = default(Registers); Offset("kvm_regs.rdx", "offsetof(struct kvm_regs, rdx)", Off(ref s, ref s.Rdx)); }
        { var s = default(Registers); Offset("kvm_regs.rsi", "offsetof(struct kvm_regs, rsi)", Off(ref s, ref s.Rsi)); }
        { var s = default(Registers); Offset("kvm_regs.rdi", "offsetof(struct kvm_regs, rdi)", Off(ref s, ref s.Rdi)); }
        { var s = default(Registers); Offset("kvm_regs.rsp", "offsetof(struct kvm_regs, rsp)", Off(ref s, ref s.Rsp)); }
        { var s = default(Registers); Offset("kvm_regs.rbp", "offsetof(struct kvm_regs, rbp)", Off(ref s, ref s.Rbp)); }
        { var s = default(Registers); Offset("kvm_regs.r8", "offsetof(struct kvm_regs, r8)", Off(ref s, ref s.R8)); }
        { var s = default(Registers); Offset("kvm_regs.r9", "offsetof(struct kvm_regs, r9)", Off(ref s, ref s.R9)); }
        { var s = default(Registers); Offset("kvm_regs.r10", "offsetof(struct kvm_regs, r10)", Off(ref s, ref s.R10)); }
        { var s = default(Registers); Offset("kvm_regs.r11", "offsetof(struct kvm_regs, r11)", Off(ref s, ref s.R11)); }
        { var s = default(Registers); Offset("kvm_regs.r12", "offsetof(struct kvm_regs, r12)", Off(ref s, ref s.R12)); }
        { var s = default(Registers); Offset("kvm_regs.r13", "offsetof(struct kvm_regs, r13)", Off(ref s, ref s.R13)); }
        { var s = default(Registers); Offset("kvm_regs.r14", "offsetof(struct kvm_regs, r14)", Off(ref s, ref s.R14)); }
        { var s = default(Registers); Offset("kvm_regs.r15", "offsetof(struct kvm_regs, r15)", Off(ref s, ref s.R15)); }
        { var s = default(Registers); Offset("kvm_regs.rip", "offsetof(struct kvm_regs, rip)", Off(ref s, ref s.Rip)); }
        { var s = default(Registers); Offset("kvm_regs.rflags", "offsetof(struct kvm_regs, rflags)", Off(ref s, ref s.Rflags)); }
        Size<Segment>("kvm_segment", "sizeof(struct kvm_segment)");
        { var s = default(Segment); Offset("kvm_segment.base", "offsetof(struct kvm_segment, base)", Off(ref s, ref s.Base)); }
        { var s = default(Segment); Offset("kvm_segment.limit", "offsetof(struct kvm_segment, limit)", Off(ref s, ref s.Limit)); }
        { var s = default(Segment); Offset("kvm_segment.selector", "offsetof(struct kvm_segment, selector)", Off(ref s, ref s.Selector)); }
        { var s = default(Segment); Offset("kvm_segment.type", "offsetof(struct kvm_segment, type)", Off(ref s, ref s.Type)); }
        { var s = default(Segment); Offset("kvm_segment.present", "offsetof(struct kvm_segment, present)", Off(ref s, ref s.Present)); }
        { var s = default(Segment); Offset("kvm_segment.dpl", "offsetof(struct kvm_segment, dpl)", Off(ref s, ref s.Dpl)); }
        { var s = default(Segment); Offset("kvm_segment.db", "offsetof(struct kvm_segment, db)", Off(ref s, ref s.DefaultSize)); }
        { var s = default(Segment); Offset("kvm_segment.s", "offsetof(struct kvm_segment, s)", Off(ref s, ref s.System)); }
        { var s = default(Segment); Offset("kvm_segment.l", "offsetof(struct kvm_segment, l)", Off(ref s, ref s.Long)); }
        { var s = default(Segment); Offset("kvm_segment.g", "offsetof(struct kvm_segment, g)", Off(ref s, ref s.Granularity)); }
        { var s = default(Segment); Offset("kvm_segment.avl", "offsetof(struct kvm_segment, avl)", Off(ref s, ref s.Available)); }
        { var s = default(Segment); Offset("kvm_segment.unusable", "offsetof(struct kvm_segment, unusable)", Off(ref s, ref s.Unusable)); }
        { var s = default(Segment); Offset("kvm_segment.padding", "offsetof(struct kvm_segment, padding)", Off(ref s, ref s.Padding)); }
        Size<DescriptorTable>("kvm_dtable", "sizeof(struct kvm_dtable)");
        { var s = default(DescriptorTable); Offset("kvm_dtable.base", "offsetof(struct kvm_dtable, base)", Off(ref s, ref s.Base)); }
        { var s = default(DescriptorTable); Offset("kvm_dtable.limit", "offsetof(struct kvm_dtable, limit)", Off(ref s, ref s.Limit)); }
        { var s = default(DescriptorTable); Offset("kvm_dtable.padding", "offsetof(struct kvm_dtable, padding)", Off(ref s, ref s.Padding0)); }
        Size<SpecialRegisters>("kvm_sregs", "sizeof(struct kvm_sregs)");
        { var s = default(SpecialRegisters); Offset("kvm_sregs.cs", "offsetof(struct kvm_sregs, cs)", Off(ref s, ref s.Cs)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.ds", "offsetof(struct kvm_sregs, ds)", Off(ref s, ref s.Ds)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.es", "offsetof(struct kvm_sregs, es)", Off(ref s, ref s.Es)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.fs", "offsetof(struct kvm_sregs, fs)", Off(ref s, ref s.Fs)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.gs", "offsetof(struct kvm_sregs, gs)", Off(ref s, ref s.Gs)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.ss", "offsetof(struct kvm_sregs, ss)", Off(ref s, ref s.Ss)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.tr", "offsetof(struct kvm_sregs, tr)", Off(ref s, ref s.Tr)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.ldt", "offsetof(struct kvm_sregs, ldt)", Off(ref s, ref s.Ldt)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.gdt", "offsetof(struct kvm_sregs, gdt)", Off(ref s, ref s.Gdt)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.idt", "offsetof(struct kvm_sregs, idt)", Off(ref s, ref s.Idt)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.cr0", "offsetof(struct kvm_sregs, cr0)", Off(ref s, ref s.Cr0)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.cr2", "offsetof(struct kvm_sregs, cr2)", Off(ref s, ref s.Cr2)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.cr3", "offsetof(struct kvm_sregs, cr3)", Off(ref s, ref s.Cr3)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.cr4", "offsetof(struct kvm_sregs, cr4)", Off(ref s, ref s.Cr4)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.cr8", "offsetof(struct kvm_sregs, cr8)", Off(ref s, ref s.Cr8)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.efer", "offsetof(struct kvm_sregs, efer)", Off(ref s, ref s.Efer)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.apic_base", "offsetof(struct kvm_sregs, apic_base)", Off(ref s, ref s.ApicBase)); }
        { var s = default(SpecialRegisters); Offset("kvm_sregs.interrupt_bitmap", "offsetof(struct kvm_sregs, interrupt_bitmap)", Off(ref s, ref s.InterruptBitmap)); }
        Size<FpuState>("kvm_fpu", "sizeof(struct kvm_fpu)");
        { var s = default(FpuState); Offset("kvm_fpu.fpr", "offsetof(struct kvm_fpu, fpr)", Off(ref s, ref s.Fpr)); }
        { var s = default(FpuState); Offset("kvm_fpu.fcw", "offsetof(struct kvm_fpu, fcw)", Off(ref s, ref s.Fcw)); }
        { var s = default(FpuState); Offset("kvm_fpu.fsw", "offsetof(struct kvm_fpu, fsw)", Off(ref s, ref s.Fsw)); }
        { var s = default(FpuState); Offset("kvm_fpu.ftwx", "offsetof(struct kvm_fpu, ftwx)", Off(ref s, ref s.Ftwx)); }
        { var s = default(FpuState); Offset("kvm_fpu.pad1", "offsetof(struct kvm_fpu, pad1)", Off(ref s, ref s.Pad1)); }
        { var s = default(FpuState); Offset("kvm_fpu.last_opcode", "offsetof(struct kvm_fpu, last_opcode)", Off(ref s, ref s.LastOpcode)); }
        { var s = default(FpuState); Offset("kvm_fpu.last_ip", "offsetof(struct kvm_fpu, last_ip)", Off(ref s, ref s.LastIp)); }
        { var s = default(FpuState); Offset("kvm_fpu.last_dp", "offsetof(struct kvm_fpu, last_dp)", Off(ref s, ref s.LastDp)); }
        { var s = default(FpuState); Offset("kvm_fpu.xmm", "offsetof(struct kvm_fpu, xmm)", Off(ref s, ref s.Xmm)); }
        { var s = default(FpuState); Offset("kvm_fpu.mxcsr", "offsetof(struct kvm_fpu, mxcsr)", Off(ref s, ref s.Mxcsr)); }
        { var s = default(FpuState); Offset("kvm_fpu.pad2", "offsetof(struct kvm_fpu, pad2)", Off(ref s, ref s.Pad2)); }
        Size<LapicState>("kvm_lapic_state", "sizeof(struct kvm_lapic_state)");
        { var s = default(LapicState); Offset("kvm_lapic_state.regs", "offsetof(struct kvm_lapic_state, regs)", Off(ref s, ref s.Registers)); }
        Size<MsrEntry>("kvm_msr_entry", "sizeof(struct kvm_msr_entry)");
        { var s = default(MsrEntry); Offset("kvm_msr_entry.index", "offsetof(struct kvm_msr_entry, index)", Off(ref s, ref s.Index)); }
        { var s = default(MsrEntry); Offset("kvm_msr_entry.reserved", "offsetof(struct kvm_msr_entry, reserved)", Off(ref s, ref s.Reserved)); }
        { var s = default(MsrEntry); Offset("kvm_msr_entry.data", "offsetof(struct kvm_msr_entry, data)", Off(ref s, ref s.Data)); }
        Size<CpuidEntry>("kvm_cpuid_entry2", "sizeof(struct kvm_cpuid_entry2)");
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.function", "offsetof(struct kvm_cpuid_entry2, function)", Off(ref s, ref s.Function)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.index", "offsetof(struct kvm_cpuid_entry2, index)", Off(ref s, ref s.Index)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.flags", "offsetof(struct kvm_cpuid_entry2, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.eax", "offsetof(struct kvm_cpuid_entry2, eax)", Off(ref s, ref s.Eax)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.ebx", "offsetof(struct kvm_cpuid_entry2, ebx)", Off(ref s, ref s.Ebx)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.ecx", "offsetof(struct kvm_cpuid_entry2, ecx)", Off(ref s, ref s.Ecx)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.edx", "offsetof(struct kvm_cpuid_entry2, edx)", Off(ref s, ref s.Edx)); }
        { var s = default(CpuidEntry); Offset("kvm_cpuid_entry2.padding", "offsetof(struct kvm_cpuid_entry2, padding)", Off(ref s, ref s.Padding0)); }
        Size<XsaveState>("kvm_xsave", "sizeof(struct kvm_xsave)");
        { var s = default(XsaveState); Offset("kvm_xsave.region", "offsetof(struct kvm_xsave, region)", Off(ref s, ref s.Region)); }
        Size<ExtendedControlRegister>("kvm_xcr", "sizeof(struct kvm_xcr)");
        { var s = default(ExtendedControlRegister); Offset("kvm_xcr.xcr", "offsetof(struct kvm_xcr, xcr)", Off(ref s, ref s.Xcr)); }
        { var s = default(ExtendedControlRegister); Offset("kvm_xcr.reserved", "offsetof(struct kvm_xcr, reserved)", Off(ref s, ref s.Reserved)); }
        { var s = default(ExtendedControlRegister); Offset("kvm_xcr.value", "offsetof(struct kvm_xcr, value)", Off(ref s, ref s.Value)); }
        Size<ExtendedControlRegisters>("kvm_xcrs", "sizeof(struct kvm_xcrs)");
        { var s = default(ExtendedControlRegisters); Offset("kvm_xcrs.nr_xcrs", "offsetof(struct kvm_xcrs, nr_xcrs)", Off(ref s, ref s.Count)); }
        { var s = default(ExtendedControlRegisters); Offset("kvm_xcrs.flags", "offsetof(struct kvm_xcrs, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(ExtendedControlRegisters); Offset("kvm_xcrs.xcrs", "offsetof(struct kvm_xcrs, xcrs)", Off(ref s, ref s.Registers)); }
        { var s = default(ExtendedControlRegisters); Offset("kvm_xcrs.padding", "offsetof(struct kvm_xcrs, padding)", Off(ref s, ref s.Padding)); }
        Size<DebugRegisters>("kvm_debugregs", "sizeof(struct kvm_debugregs)");
        { var s = default(DebugRegisters); Offset("kvm_debugregs.db", "offsetof(struct kvm_debugregs, db)", Off(ref s, ref s.Db0)); }
        { var s = default(DebugRegisters); Offset("kvm_debugregs.dr6", "offsetof(struct kvm_debugregs, dr6)", Off(ref s, ref s.Dr6)); }
        { var s = default(DebugRegisters); Offset("kvm_debugregs.dr7", "offsetof(struct kvm_debugregs, dr7)", Off(ref s, ref s.Dr7)); }
        { var s = default(DebugRegisters); Offset("kvm_debugregs.flags", "offsetof(struct kvm_debugregs, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(DebugRegisters); Offset("kvm_debugregs.reserved", "offsetof(struct kvm_debugregs, reserved)", Off(ref s, ref s.Reserved)); }
        Size<VcpuEvents>("kvm_vcpu_events", "sizeof(struct kvm_vcpu_events)");
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception.injected", "offsetof(struct kvm_vcpu_events, exception.injected)", Off(ref s, ref s.ExceptionInjected)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception.nr", "offsetof(struct kvm_vcpu_events, exception.nr)", Off(ref s, ref s.ExceptionNumber)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception.has_error_code", "offsetof(struct kvm_vcpu_events, exception.has_error_code)", Off(ref s, ref s.ExceptionHasErrorCode)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception.pending", "offsetof(struct kvm_vcpu_events, exception.pending)", Off(ref s, ref s.ExceptionPending)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception.error_code", "offsetof(struct kvm_vcpu_events, exception.error_code)", Off(ref s, ref s.ExceptionErrorCode)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.interrupt.injected", "offsetof(struct kvm_vcpu_events, interrupt.injected)", Off(ref s, ref s.InterruptInjected)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.interrupt.nr", "offsetof(struct kvm_vcpu_events, interrupt.nr)", Off(ref s, ref s.InterruptNumber)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.interrupt.soft", "offsetof(struct kvm_vcpu_events, interrupt.soft)", Off(ref s, ref s.InterruptSoft)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.interrupt.shadow", "offsetof(struct kvm_vcpu_events, interrupt.shadow)", Off(ref s, ref s.InterruptShadow)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.nmi.injected", "offsetof(struct kvm_vcpu_events, nmi.injected)", Off(ref s, ref s.NmiInjected)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.nmi.pending", "offsetof(struct kvm_vcpu_events, nmi.pending)", Off(ref s, ref s.NmiPending)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.nmi.masked", "offsetof(struct kvm_vcpu_events, nmi.masked)", Off(ref s, ref s.NmiMasked)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.nmi.pad", "offsetof(struct kvm_vcpu_events, nmi.pad)", Off(ref s, ref s.NmiPad)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.sipi_vector", "offsetof(struct kvm_vcpu_events, sipi_vector)", Off(ref s, ref s.SipiVector)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.flags", "offsetof(struct kvm_vcpu_events, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.smi.smm", "offsetof(struct kvm_vcpu_events, smi.smm)", Off(ref s, ref s.Smm)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.smi.pending", "offsetof(struct kvm_vcpu_events, smi.pending)", Off(ref s, ref s.SmiPending)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.smi.smm_inside_nmi", "offsetof(struct kvm_vcpu_events, smi.smm_inside_nmi)", Off(ref s, ref s.SmmInsideNmi)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.smi.latched_init", "offsetof(struct kvm_vcpu_events, smi.latched_init)", Off(ref s, ref s.SmiLatchedInit)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.triple_fault.pending", "offsetof(struct kvm_vcpu_events, triple_fault.pending)", Off(ref s, ref s.TripleFaultPending)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.reserved", "offsetof(struct kvm_vcpu_events, reserved)", Off(ref s, ref s.Reserved)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception_has_payload", "offsetof(struct kvm_vcpu_events, exception_has_payload)", Off(ref s, ref s.ExceptionHasPayload)); }
        { var s = default(VcpuEvents); Offset("kvm_vcpu_events.exception_payload", "offsetof(struct kvm_vcpu_events, exception_payload)", Off(ref s, ref s.ExceptionPayload)); }
        Size<Translation>("kvm_translation", "sizeof(struct kvm_translation)");
        { var s = default(Translation); Offset("kvm_translation.linear_address", "offsetof(struct kvm_translation, linear_address)", Off(ref s, ref s.LinearAddress)); }
        { var s = default(Translation); Offset("kvm_translation.physical_address", "offsetof(struct kvm_translation, physical_address)", Off(ref s, ref s.PhysicalAddress)); }
        { var s = default(Translation); Offset("kvm_translation.valid", "offsetof(struct kvm_translation, valid)", Off(ref s, ref s.Valid)); }
        { var s = default(Translation); Offset("kvm_translation.writeable", "offsetof(struct kvm_translation, writeable)", Off(ref s, ref s.Writeable)); }
        { var s = default(Translation); Offset("kvm_translation.usermode", "offsetof(struct kvm_translation, usermode)", Off(ref s, ref s.UserMode)); }
        { var s = default(Translation); Offset("kvm_translation.pad", "offsetof(struct kvm_translation, pad)", Off(ref s, ref s.Pad0)); }
        Size<KvmClock>("kvm_clock_data", "sizeof(struct kvm_clock_data)");
        { var s = default(KvmClock); Offset("kvm_clock_data.clock", "offsetof(struct kvm_clock_data, clock)", Off(ref s, ref s.Clock)); }
        { var s = default(KvmClock); Offset("kvm_clock_data.flags", "offsetof(struct kvm_clock_data, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmClock); Offset("kvm_clock_data.pad0", "offsetof(struct kvm_clock_data, pad0)", Off(ref s, ref s.Pad0)); }
        { var s = default(KvmClock); Offset("kvm_clock_data.realtime", "offsetof(struct kvm_clock_data, realtime)", Off(ref s, ref s.Realtime)); }
        { var s = default(KvmClock); Offset("kvm_clock_data.host_tsc", "offsetof(struct kvm_clock_data, host_tsc)", Off(ref s, ref s.HostTsc)); }
        { var s = default(KvmClock); Offset("kvm_clock_data.pad", "offsetof(struct kvm_clock_data, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmUserspaceMemoryRegion>("kvm_userspace_memory_region", "sizeof(struct kvm_userspace_memory_region)");
        { var s = default(KvmUserspaceMemoryRegion); Offset("kvm_userspace_memory_region.slot", "offsetof(struct kvm_userspace_memory_region, slot)", Off(ref s, ref s.Slot)); }
        { var s = default(KvmUserspaceMemoryRegion); Offset("kvm_userspace_memory_region.flags", "offsetof(struct kvm_userspace_memory_region, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmUserspaceMemoryRegion); Offset("kvm_userspace_memory_region.guest_phys_addr", "offsetof(struct kvm_userspace_memory_region, guest_phys_addr)", Off(ref s, ref s.GuestPhysAddr)); }
        { var s = default(KvmUserspaceMemoryRegion); Offset("kvm_userspace_memory_region.memory_size", "offsetof(struct kvm_userspace_memory_region, memory_size)", Off(ref s, ref s.MemorySize)); }
        { var s = default(KvmUserspaceMemoryRegion); Offset("kvm_userspace_memory_region.userspace_addr", "offsetof(struct kvm_userspace_memory_region, userspace_addr)", Off(ref s, ref s.UserspaceAddr)); }
        Size<KvmIrqLevel>("kvm_irq_level", "sizeof(struct kvm_irq_level)");
        { var s = default(KvmIrqLevel); Offset("kvm_irq_level.irq", "offsetof(struct kvm_irq_level, irq)", Off(ref s, ref s.Irq)); }
        { var s = default(KvmIrqLevel); Offset("kvm_irq_level.level", "offsetof(struct kvm_irq_level, level)", Off(ref s, ref s.Level)); }
        Size<KvmMsi>("kvm_msi", "sizeof(struct kvm_msi)");
        { var s = default(KvmMsi); Offset("kvm_msi.address_lo", "offsetof(struct kvm_msi, address_lo)", Off(ref s, ref s.AddressLo)); }
        { var s = default(KvmMsi); Offset("kvm_msi.address_hi", "offsetof(struct kvm_msi, address_hi)", Off(ref s, ref s.AddressHi)); }
        { var s = default(KvmMsi); Offset("kvm_msi.data", "offsetof(struct kvm_msi, data)", Off(ref s, ref s.Data)); }
        { var s = default(KvmMsi); Offset("kvm_msi.flags", "offsetof(struct kvm_msi, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmMsi); Offset("kvm_msi.devid", "offsetof(struct kvm_msi, devid)", Off(ref s, ref s.DevId)); }
        { var s = default(KvmMsi); Offset("kvm_msi.pad", "offsetof(struct kvm_msi, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmIrqfd>("kvm_irqfd", "sizeof(struct kvm_irqfd)");
        { var s = default(KvmIrqfd); Offset("kvm_irqfd.fd", "offsetof(struct kvm_irqfd, fd)", Off(ref s, ref s.Fd)); }
        { var s = default(KvmIrqfd); Offset("kvm_irqfd.gsi", "offsetof(struct kvm_irqfd, gsi)", Off(ref s, ref s.Gsi)); }
        { var s = default(KvmIrqfd); Offset("kvm_irqfd.flags", "offsetof(struct kvm_irqfd, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmIrqfd); Offset("kvm_irqfd.resamplefd", "offsetof(struct kvm_irqfd, resamplefd)", Off(ref s, ref s.ResampleFd)); }
        { var s = default(KvmIrqfd); Offset("kvm_irqfd.pad", "offsetof(struct kvm_irqfd, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmIoeventfd>("kvm_ioeventfd", "sizeof(struct kvm_ioeventfd)");
        { var s = default(KvmIoeventfd); Offset("kvm_ioeventfd.datamatch", "offsetof(struct kvm_ioeventfd, datamatch)", Off(ref s, ref s.Datamatch)); }
        { var s = default(KvmIoeventfd); Offset("kvm_ioeventfd.addr", "offsetof(struct kvm_ioeventfd, addr)", Off(ref s, ref s.Addr)); }
        { var s = default(KvmIoeventfd); Offset("kvm_ioeventfd.len", "offsetof(struct kvm_ioeventfd, len)", Off(ref s, ref s.Len)); }
        { var s = default(KvmIoeventfd); Offset("kvm_ioeventfd.fd", "offsetof(struct kvm_ioeventfd, fd)", Off(ref s, ref s.Fd)); }
        { var s = default(KvmIoeventfd); Offset("kvm_ioeventfd.flags", "offsetof(struct kvm_ioeventfd, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmIoeventfd); Offset("kvm_ioeventfd.pad", "offsetof(struct kvm_ioeventfd, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmDirtyLog>("kvm_dirty_log", "sizeof(struct kvm_dirty_log)");
        { var s = default(KvmDirtyLog); Offset("kvm_dirty_log.slot", "offsetof(struct kvm_dirty_log, slot)", Off(ref s, ref s.Slot)); }
        { var s = default(KvmDirtyLog); Offset("kvm_dirty_log.padding1", "offsetof(struct kvm_dirty_log, padding1)", Off(ref s, ref s.Padding1)); }
        { var s = default(KvmDirtyLog); Offset("kvm_dirty_log.dirty_bitmap", "offsetof(struct kvm_dirty_log, dirty_bitmap)", Off(ref s, ref s.DirtyBitmap)); }
        Size<KvmClearDirtyLog>("kvm_clear_dirty_log", "sizeof(struct kvm_clear_dirty_log)");
        { var s = default(KvmClearDirtyLog); Offset("kvm_clear_dirty_log.slot", "offsetof(struct kvm_clear_dirty_log, slot)", Off(ref s, ref s.Slot)); }
        { var s = default(KvmClearDirtyLog); Offset("kvm_clear_dirty_log.num_pages", "offsetof(struct kvm_clear_dirty_log, num_pages)", Off(ref s, ref s.NumPages)); }
        { var s = default(KvmClearDirtyLog); Offset("kvm_clear_dirty_log.first_page", "offsetof(struct kvm_clear_dirty_log, first_page)", Off(ref s, ref s.FirstPage)); }
        { var s = default(KvmClearDirtyLog); Offset("kvm_clear_dirty_log.dirty_bitmap", "offsetof(struct kvm_clear_dirty_log, dirty_bitmap)", Off(ref s, ref s.DirtyBitmap)); }
        Size<KvmEnableCap>("kvm_enable_cap", "sizeof(struct kvm_enable_cap)");
        { var s = default(KvmEnableCap); Offset("kvm_enable_cap.cap", "offsetof(struct kvm_enable_cap, cap)", Off(ref s, ref s.Cap)); }
        { var s = default(KvmEnableCap); Offset("kvm_enable_cap.flags", "offsetof(struct kvm_enable_cap, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmEnableCap); Offset("kvm_enable_cap.args[0]", "offsetof(struct kvm_enable_cap, args[0])", Off(ref s, ref s.Arg0)); }
        { var s = default(KvmEnableCap); Offset("kvm_enable_cap.args[3]", "offsetof(struct kvm_enable_cap, args[3])", Off(ref s, ref s.Arg3)); }
        { var s = default(KvmEnableCap); Offset("kvm_enable_cap.pad", "offsetof(struct kvm_enable_cap, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmCoalescedMmioZone>("kvm_coalesced_mmio_zone", "sizeof(struct kvm_coalesced_mmio_zone)");
        { var s = default(KvmCoalescedMmioZone); Offset("kvm_coalesced_mmio_zone.addr", "offsetof(struct kvm_coalesced_mmio_zone, addr)", Off(ref s, ref s.Addr)); }
        { var s = default(KvmCoalescedMmioZone); Offset("kvm_coalesced_mmio_zone.size", "offsetof(struct kvm_coalesced_mmio_zone, size)", Off(ref s, ref s.Size)); }
        { var s = default(KvmCoalescedMmioZone); Offset("kvm_coalesced_mmio_zone.pio", "offsetof(struct kvm_coalesced_mmio_zone, pio)", Off(ref s, ref s.Pio)); }
        Size<KvmPitConfig>("kvm_pit_config", "sizeof(struct kvm_pit_config)");
        { var s = default(KvmPitConfig); Offset("kvm_pit_config.flags", "offsetof(struct kvm_pit_config, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmPitConfig); Offset("kvm_pit_config.pad", "offsetof(struct kvm_pit_config, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmReinjectControl>("kvm_reinject_control", "sizeof(struct kvm_reinject_control)");
        { var s = default(KvmReinjectControl); Offset("kvm_reinject_control.pit_reinject", "offsetof(struct kvm_reinject_control, pit_reinject)", Off(ref s, ref s.PitReinject)); }
        { var s = default(KvmReinjectControl); Offset("kvm_reinject_control.reserved", "offsetof(struct kvm_reinject_control, reserved)", Off(ref s, ref s.Reserved)); }
        Size<KvmIrqRoutingEntry>("kvm_irq_routing_entry", "sizeof(struct kvm_irq_routing_entry)");
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.gsi", "offsetof(struct kvm_irq_routing_entry, gsi)", Off(ref s, ref s.Gsi)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.type", "offsetof(struct kvm_irq_routing_entry, type)", Off(ref s, ref s.Type)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.flags", "offsetof(struct kvm_irq_routing_entry, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.pad", "offsetof(struct kvm_irq_routing_entry, pad)", Off(ref s, ref s.Pad)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.u.irqchip.irqchip", "offsetof(struct kvm_irq_routing_entry, u.irqchip.irqchip)", Off(ref s, ref s.U0)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.u.irqchip.pin", "offsetof(struct kvm_irq_routing_entry, u.irqchip.pin)", Off(ref s, ref s.U1)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.u.msi.data", "offsetof(struct kvm_irq_routing_entry, u.msi.data)", Off(ref s, ref s.U2)); }
        { var s = default(KvmIrqRoutingEntry); Offset("kvm_irq_routing_entry.u.msi.devid", "offsetof(struct kvm_irq_routing_entry, u.msi.devid)", Off(ref s, ref s.U3)); }
        Size<KvmCpuid2Header>("kvm_cpuid2", "sizeof(struct kvm_cpuid2)");
        { var s = default(KvmCpuid2Header); Offset("kvm_cpuid2.nent", "offsetof(struct kvm_cpuid2, nent)", Off(ref s, ref s.Nent)); }
        { var s = default(KvmCpuid2Header); Offset("kvm_cpuid2.padding", "offsetof(struct kvm_cpuid2, padding)", Off(ref s, ref s.Padding)); }
        Size<KvmMsrsHeader>("kvm_msrs", "sizeof(struct kvm_msrs)");
        { var s = default(KvmMsrsHeader); Offset("kvm_msrs.nmsrs", "offsetof(struct kvm_msrs, nmsrs)", Off(ref s, ref s.Nmsrs)); }
        { var s = default(KvmMsrsHeader); Offset("kvm_msrs.pad", "offsetof(struct kvm_msrs, pad)", Off(ref s, ref s.Pad)); }
        Size<KvmMsrListHeader>("kvm_msr_list", "sizeof(struct kvm_msr_list)");
        { var s = default(KvmMsrListHeader); Offset("kvm_msr_list.nmsrs", "offsetof(struct kvm_msr_list, nmsrs)", Off(ref s, ref s.Nmsrs)); }
        Size<KvmIrqRoutingHeader>("kvm_irq_routing", "sizeof(struct kvm_irq_routing)");
        { var s = default(KvmIrqRoutingHeader); Offset("kvm_irq_routing.nr", "offsetof(struct kvm_irq_routing, nr)", Off(ref s, ref s.Nr)); }
        { var s = default(KvmIrqRoutingHeader); Offset("kvm_irq_routing.flags", "offsetof(struct kvm_irq_routing, flags)", Off(ref s, ref s.Flags)); }
        Size<KvmRun>("kvm_run", "offsetof(struct kvm_run, s)"); // the mirror stops before the sync-regs area
        { var s = default(KvmRun); Offset("kvm_run.request_interrupt_window", "offsetof(struct kvm_run, request_interrupt_window)", Off(ref s, ref s.RequestInterruptWindow)); }
        { var s = default(KvmRun); Offset("kvm_run.immediate_exit", "offsetof(struct kvm_run, immediate_exit)", Off(ref s, ref s.ImmediateExit)); }
        { var s = default(KvmRun); Offset("kvm_run.padding1", "offsetof(struct kvm_run, padding1)", Off(ref s, ref s.Padding1)); }
        { var s = default(KvmRun); Offset("kvm_run.exit_reason", "offsetof(struct kvm_run, exit_reason)", Off(ref s, ref s.ExitReason)); }
        { var s = default(KvmRun); Offset("kvm_run.ready_for_interrupt_injection", "offsetof(struct kvm_run, ready_for_interrupt_injection)", Off(ref s, ref s.ReadyForInterruptInjection)); }
        { var s = default(KvmRun); Offset("kvm_run.if_flag", "offsetof(struct kvm_run, if_flag)", Off(ref s, ref s.IfFlag)); }
        { var s = default(KvmRun); Offset("kvm_run.flags", "offsetof(struct kvm_run, flags)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmRun); Offset("kvm_run.cr8", "offsetof(struct kvm_run, cr8)", Off(ref s, ref s.Cr8)); }
        { var s = default(KvmRun); Offset("kvm_run.apic_base", "offsetof(struct kvm_run, apic_base)", Off(ref s, ref s.ApicBase)); }
        { var s = default(KvmRun); Offset("kvm_run.hw", "offsetof(struct kvm_run, hw)", Off(ref s, ref s.Exit)); }
        { var s = default(KvmRun); Offset("kvm_run.kvm_valid_regs", "offsetof(struct kvm_run, kvm_valid_regs)", Off(ref s, ref s.KvmValidRegs)); }
        { var s = default(KvmRun); Offset("kvm_run.kvm_dirty_regs", "offsetof(struct kvm_run, kvm_dirty_regs)", Off(ref s, ref s.KvmDirtyRegs)); }
        Size<EpollEvent>("epoll_event", "sizeof(struct epoll_event)");
        { var s = default(EpollEvent); Offset("epoll_event.events", "offsetof(struct epoll_event, events)", Off(ref s, ref s.Events)); }
        { var s = default(EpollEvent); Offset("epoll_event.data", "offsetof(struct epoll_event, data)", Off(ref s, ref s.Data)); }
        Size<ITimerSpec>("itimerspec", "sizeof(struct itimerspec)");
        { var s = default(ITimerSpec); Offset("itimerspec.it_interval", "offsetof(struct itimerspec, it_interval)", Off(ref s, ref s.IntervalSeconds)); }
        { var s = default(ITimerSpec); Offset("itimerspec.it_value", "offsetof(struct itimerspec, it_value)", Off(ref s, ref s.ValueSeconds)); }
        { var s = default(ITimerSpec); Offset("itimerspec.it_value.tv_nsec", "offsetof(struct itimerspec, it_value.tv_nsec)", Off(ref s, ref s.ValueNanoseconds)); }
        Size<KvmRunIo>("kvm_run.io", "sizeof(((struct kvm_run*)0)->io)");
        { var s = default(KvmRunIo); Offset("kvm_run.io.direction", "offsetof(struct kvm_run, io.direction) - offsetof(struct kvm_run, io)", Off(ref s, ref s.Direction)); }
        { var s = default(KvmRunIo); Offset("kvm_run.io.size", "offsetof(struct kvm_run, io.size) - offsetof(struct kvm_run, io)", Off(ref s, ref s.Size)); }
        { var s = default(KvmRunIo); Offset("kvm_run.io.port", "offsetof(struct kvm_run, io.port) - offsetof(struct kvm_run, io)", Off(ref s, ref s.Port)); }
        { var s = default(KvmRunIo); Offset("kvm_run.io.count", "offsetof(struct kvm_run, io.count) - offsetof(struct kvm_run, io)", Off(ref s, ref s.Count)); }
        { var s = default(KvmRunIo); Offset("kvm_run.io.data_offset", "offsetof(struct kvm_run, io.data_offset) - offsetof(struct kvm_run, io)", Off(ref s, ref s.DataOffset)); }
        Size<KvmRunMmio>("kvm_run.mmio", "sizeof(((struct kvm_run*)0)->mmio)");
        { var s = default(KvmRunMmio); Offset("kvm_run.mmio.phys_addr", "offsetof(struct kvm_run, mmio.phys_addr) - offsetof(struct kvm_run, mmio)", Off(ref s, ref s.PhysAddr)); }
        { var s = default(KvmRunMmio); Offset("kvm_run.mmio.data", "offsetof(struct kvm_run, mmio.data) - offsetof(struct kvm_run, mmio)", Off(ref s, ref s.Data)); }
        { var s = default(KvmRunMmio); Offset("kvm_run.mmio.len", "offsetof(struct kvm_run, mmio.len) - offsetof(struct kvm_run, mmio)", Off(ref s, ref s.Len)); }
        { var s = default(KvmRunMmio); Offset("kvm_run.mmio.is_write", "offsetof(struct kvm_run, mmio.is_write) - offsetof(struct kvm_run, mmio)", Off(ref s, ref s.IsWrite)); }
        Size<KvmRunFailEntry>("kvm_run.fail_entry", "sizeof(((struct kvm_run*)0)->fail_entry)");
        { var s = default(KvmRunFailEntry); Offset("kvm_run.fail_entry.hardware_entry_failure_reason", "offsetof(struct kvm_run, fail_entry.hardware_entry_failure_reason) - offsetof(struct kvm_run, fail_entry)", Off(ref s, ref s.HardwareEntryFailureReason)); }
        { var s = default(KvmRunFailEntry); Offset("kvm_run.fail_entry.cpu", "offsetof(struct kvm_run, fail_entry.cpu) - offsetof(struct kvm_run, fail_entry)", Off(ref s, ref s.Cpu)); }
        Size<KvmRunEmulationFailure>("kvm_run.emulation_failure", "sizeof(((struct kvm_run*)0)->emulation_failure)");
        { var s = default(KvmRunEmulationFailure); Offset("kvm_run.emulation_failure.suberror", "offsetof(struct kvm_run, emulation_failure.suberror) - offsetof(struct kvm_run, emulation_failure)", Off(ref s, ref s.Suberror)); }
        { var s = default(KvmRunEmulationFailure); Offset("kvm_run.emulation_failure.ndata", "offsetof(struct kvm_run, emulation_failure.ndata) - offsetof(struct kvm_run, emulation_failure)", Off(ref s, ref s.Ndata)); }
        { var s = default(KvmRunEmulationFailure); Offset("kvm_run.emulation_failure.flags", "offsetof(struct kvm_run, emulation_failure.flags) - offsetof(struct kvm_run, emulation_failure)", Off(ref s, ref s.Flags)); }
        { var s = default(KvmRunEmulationFailure); Offset("kvm_run.emulation_failure.insn_size", "offsetof(struct kvm_run, emulation_failure.insn_size) - offsetof(struct kvm_run, emulation_failure)", Off(ref s, ref s.InsnSize)); }
        { var s = default(KvmRunEmulationFailure); Offset("kvm_run.emulation_failure.insn_bytes", "offsetof(struct kvm_run, emulation_failure.insn_bytes) - offsetof(struct kvm_run, emulation_failure)", Off(ref s, ref s.InsnBytes)); }
        Size<KvmRunSystemEvent>("kvm_run.system_event", "offsetof(struct kvm_run, system_event.data[1]) - offsetof(struct kvm_run, system_event)"); // mirrors data[0] only
        { var s = default(KvmRunSystemEvent); Offset("kvm_run.system_event.type", "offsetof(struct kvm_run, system_event.type) - offsetof(struct kvm_run, system_event)", Off(ref s, ref s.Type)); }
        { var s = default(KvmRunSystemEvent); Offset("kvm_run.system_event.ndata", "offsetof(struct kvm_run, system_event.ndata) - offsetof(struct kvm_run, system_event)", Off(ref s, ref s.Ndata)); }
        { var s = default(KvmRunSystemEvent); Offset("kvm_run.system_event.data", "offsetof(struct kvm_run, system_event.data) - offsetof(struct kvm_run, system_event)", Off(ref s, ref s.Data0)); }
        Size<KvmRunDebug>("kvm_run.debug.arch", "sizeof(((struct kvm_run*)0)->debug.arch)");
        { var s = default(KvmRunDebug); Offset("kvm_run.debug.arch.exception", "offsetof(struct kvm_run, debug.arch.exception) - offsetof(struct kvm_run, debug.arch)", Off(ref s, ref s.Exception)); }
        { var s = default(KvmRunDebug); Offset("kvm_run.debug.arch.pc", "offsetof(struct kvm_run, debug.arch.pc) - offsetof(struct kvm_run, debug.arch)", Off(ref s, ref s.Pc)); }
        { var s = default(KvmRunDebug); Offset("kvm_run.debug.arch.dr6", "offsetof(struct kvm_run, debug.arch.dr6) - offsetof(struct kvm_run, debug.arch)", Off(ref s, ref s.Dr6)); }
        { var s = default(KvmRunDebug); Offset("kvm_run.debug.arch.dr7", "offsetof(struct kvm_run, debug.arch.dr7) - offsetof(struct kvm_run, debug.arch)", Off(ref s, ref s.Dr7)); }
        Size<SigAction>("sigaction", "sizeof(struct sigaction)");
        { var s = default(SigAction); Offset("sigaction.sa_mask", "offsetof(struct sigaction, sa_mask)", Off(ref s, ref s.Mask)); }
        { var s = default(SigAction); Offset("sigaction.sa_flags", "offsetof(struct sigaction, sa_flags)", Off(ref s, ref s.Flags)); }
        { var s = default(SigAction); Offset("sigaction.sa_restorer", "offsetof(struct sigaction, sa_restorer)", Off(ref s, ref s.Restorer)); }
        return [.. Entries];
    }

    private static readonly List<(string Key, string CExpression, long Value)> Entries = [];

    private static unsafe void Size<T>(string key, string cExpression)
        where T : unmanaged => Entries.Add(("size:" + key, cExpression, sizeof(T)));

    private static void Offset(string key, string cExpression, long value) => Entries.Add(("offset:" + key, cExpression, value));

    private static long Off<T, TField>(ref T s, ref TField field) =>
        Unsafe.ByteOffset(ref Unsafe.As<T, byte>(ref s), ref Unsafe.As<TField, byte>(ref field));
}
