using System.Runtime.InteropServices;
using Vmm.Kvm;

namespace Vmm.Reference.Machine;

/// <summary>
/// Gives each vCPU what a Linux guest expects of a real CPU: CPUID with its topology and APIC ID and
/// the hypervisor leaves, boot MSRs, a local APIC with LINT0 = ExtINT and LINT1 = NMI, and an
/// initialised FPU.
/// </summary>
internal static class VcpuConfigurator
{
    private const uint MsrIa32SysenterCs = 0x174;
    private const uint MsrIa32SysenterEsp = 0x175;
    private const uint MsrIa32SysenterEip = 0x176;
    private const uint MsrStar = 0xC000_0081;
    private const uint MsrLstar = 0xC000_0082;
    private const uint MsrCstar = 0xC000_0083;
    private const uint MsrSyscallMask = 0xC000_0084;
    private const uint MsrKernelGsBase = 0xC000_0102;
    private const uint MsrIa32Tsc = 0x10;
    private const uint MsrIa32MiscEnable = 0x1A0;
    private const uint MsrMtrrDefType = 0x2FF;
    private const ulong MiscEnableFastStrings = 1;
    private const ulong MtrrEnableWriteBack = (1UL << 11) | 6;

    private const int ApicLvtLint0 = 0x350;
    private const int ApicLvtLint1 = 0x360;
    private const uint ApicDeliveryModeExtInt = 0x7;
    private const uint ApicDeliveryModeNmi = 0x4;

    /// <summary>KVM_FEATURE_PV_SEND_IPI and KVM_FEATURE_PV_SCHED_YIELD in leaf 0x40000001: both are VMCALL hypercalls.</summary>
    private const uint KvmHypercallFeatures = (1u << 11) | (1u << 13);

    public static void ConfigureCpuid(Vcpu vcpu, CpuidEntries supported, uint apicId, int vcpuCount, bool withoutHypercalls = false)
    {
        using var cpuid = new CpuidEntries(supported.Count);
        foreach (ref readonly var source in supported.Entries)
        {
            var entry = source;
            switch (entry.Function)
            {
                case 0x1:
                    // EBX[31:24] initial APIC ID, EBX[23:16] logical processors per package.
                    entry.Ebx = (entry.Ebx & 0x0000_FFFF) | (apicId << 24) | ((uint)Math.Min(vcpuCount, 255) << 16);
                    entry.Ecx |= 1u << 31; // hypervisor present
                    if (vcpuCount > 1)
                    {
                        entry.Edx |= 1u << 28; // HTT: the package has several logical processors
                    }

                    break;
                case 0x4:
                    // EAX[31:26]: cores per package - 1; EAX[25:14]: threads sharing this cache - 1.
                    entry.Eax = (entry.Eax & 0x3FFF) | ((uint)(vcpuCount - 1) << 26);
                    break;
                case 0x4000_0001 when withoutHypercalls:
                    // On PVM hosts a guest VMCALL never returns: a guest using PV IPIs hangs bringing up its APs.
                    entry.Eax &= ~KvmHypercallFeatures;
                    break;
                case 0xB:
                    entry.Edx = apicId;
                    if (entry.Index == 0)
                    {
                        entry.Eax = 0;
                        entry.Ebx = 1;
                        entry.Ecx = 1u << 8;
                    }
                    else if (entry.Index == 1)
                    {
                        entry.Eax = (uint)BitsFor(vcpuCount);
                        entry.Ebx = (uint)vcpuCount;
                        entry.Ecx = (2u << 8) | 1;
                    }
                    else
                    {
                        entry.Eax = 0;
                        entry.Ebx = 0;
                        entry.Ecx = entry.Index;
                    }

                    break;
            }

            cpuid.Add(entry);
        }

        vcpu.SetCpuid(cpuid);
    }

    public static void ConfigureMsrs(Vcpu vcpu)
    {
        using var msrs = new MsrEntries(16);
        msrs.Add(new MsrEntry(MsrIa32SysenterCs, 0));
        msrs.Add(new MsrEntry(MsrIa32SysenterEsp, 0));
        msrs.Add(new MsrEntry(MsrIa32SysenterEip, 0));
        msrs.Add(new MsrEntry(MsrStar, 0));
        msrs.Add(new MsrEntry(MsrCstar, 0));
        msrs.Add(new MsrEntry(MsrKernelGsBase, 0));
        msrs.Add(new MsrEntry(MsrSyscallMask, 0));
        msrs.Add(new MsrEntry(MsrLstar, 0));
        msrs.Add(new MsrEntry(MsrIa32Tsc, 0));
        msrs.Add(new MsrEntry(MsrIa32MiscEnable, MiscEnableFastStrings));
        msrs.Add(new MsrEntry(MsrMtrrDefType, MtrrEnableWriteBack));
        int set = vcpu.SetMsrs(msrs);
        if (set != msrs.Count)
        {
            Log.Debug("vcpu", $"KVM accepted {set} of {msrs.Count} boot MSRs");
        }
    }

    public static void ConfigureLapic(Vcpu vcpu)
    {
        var lapic = vcpu.GetLapic();
        Span<byte> page = lapic.Registers;
        SetDeliveryMode(page, ApicLvtLint0, ApicDeliveryModeExtInt);
        SetDeliveryMode(page, ApicLvtLint1, ApicDeliveryModeNmi);
        vcpu.SetLapic(lapic);
    }

    public static void ConfigureFpu(Vcpu vcpu)
    {
        var fpu = default(FpuState);
        fpu.Fcw = 0x37F;
        fpu.Mxcsr = 0x1F80;
        vcpu.SetFpu(fpu);
    }

    private static void SetDeliveryMode(Span<byte> page, int offset, uint mode)
    {
        ref uint register = ref MemoryMarshal.Cast<byte, uint>(page.Slice(offset, 4))[0];
        register = (register & ~0x700u) | (mode << 8);
    }

    private static int BitsFor(int count)
    {
        int bits = 0;
        while ((1 << bits) < count)
        {
            bits++;
        }

        return bits;
    }
}
