// Boots a Linux kernel (the project's guest from guest/, or any x86-64 vmlinux/bzImage with a serial console) from the
// Vmm.NET packages alone: 128 MiB of RAM, one vCPU, a 16550A UART on COM1 for the console and a virtio-rng device.
//
//   dotnet run --project samples/BootLinux -- .cache/guest/vmlinux .cache/guest/initramfs-test.cpio [kernel parameters]
//
// The guest ends the run: a triple fault (`reboot -f` with reboot=t), a KVM shutdown event, or "reboot: System
// halted" / "reboot: Power down" on the console (`poweroff -f` without ACPI halts the CPU, so the VMM watches for it).
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using Vmm.Devices;
using Vmm.Devices.Serial;
using Vmm.Kvm;
using Vmm.Loader;
using Vmm.Memory;
using Vmm.Samples;
using Vmm.Virtio;
using Vmm.Virtio.Entropy;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: BootLinux KERNEL INITRD [kernel parameters...]");
    return 2;
}

if (!Kvm.IsAvailable())
{
    Console.Error.WriteLine("boot-linux: /dev/kvm is not available on this machine");
    return 2;
}

const ulong RngBase = 0xd000_0000;
const uint RngIrq = 5, SerialIrq = 4;

// Memory and the VM. Slots first, then the in-kernel interrupt controllers (IOAPIC, PIC, LAPICs) and the PIT.
using GuestMemory memory = GuestMemory.Allocate(BootLayout.RamRanges(128UL << 20));
using var kvm = Kvm.Open();
using var vm = kvm.CreateVm();
for (int i = 0; i < memory.Regions.Count; i++)
{
    var region = memory.Regions[i];
    vm.SetUserMemoryRegion((uint)i, region.GuestBase.Value, region.Size, region.HostAddress);
}

vm.SetTssAddress(0xfffb_d000);
vm.SetIdentityMapAddress(0xfffb_c000);
vm.CreateIrqChip();
using (var routes = new GsiRoutingTable(48))
{
    // A PC's routing, as the MP table describes it: ISA IRQs on the PIC and the IOAPIC, the PIT's IRQ 0 on IOAPIC pin 2.
    for (uint gsi = 0; gsi < 24; gsi++)
    {
        if (gsi == 2)
        {
            continue;
        }

        if (gsi < 16)
        {
            routes.AddIrqChip(gsi, gsi < 8 ? IrqChip.PicMaster : IrqChip.PicSlave, gsi % 8);
        }

        routes.AddIrqChip(gsi, IrqChip.IoApic, gsi == 0 ? 2u : gsi);
    }

    vm.SetGsiRouting(routes);
}

vm.CreatePit2();

// The kernel: a bzImage is decompressed on the host, an ELF vmlinux is loaded as it is.
byte[] image = File.ReadAllBytes(args[0]);
LoadedKernel kernel = BzImage.IsBzImage(image) ? BzImage.Parse(image).LoadDecompressed(memory) : ElfKernel.Parse(image).Load(memory);

// Devices: the serial console on the PIO bus, virtio-rng on the MMIO bus. Without ioeventfds, the transport processes
// queue notifications on the vCPU thread; its interrupts go through an irqfd.
var consoleOutput = new Pipe();
var pio = new PioBus();
pio.Register(Uart16550.Com1BasePort, Uart16550.RegisterCount, new Uart16550(new KvmIrqLine(vm, SerialIrq), consoleOutput.Writer));
var mmio = new MmioBus();
using var rngIrq = new IrqFdLine(vm, RngIrq);
mmio.Register(RngBase, VirtioMmioTransport.RegionSize, new VirtioMmioTransport(new VirtioRng(), memory, rngIrq, name: "rng"));

// Command line, MP table, boot parameters, page tables: Vmm.Loader.
var commandLine = KernelCommandLine.ForKernel(kernel).Add("console", "ttyS0").Add("reboot", "t").Add("panic", "-1");
if (PvmHost.IsPvm)
{
    // Nested PVM hosts emulate guest kernel code and cannot emulate these features (see Vmm.Kvm's README).
    foreach (string parameter in (string[])["nosmap", "noxsave", "clearcpuid=smap,cx16", "tsc=reliable", "no_timer_check", "rodata=off"])
    {
        commandLine.Add(parameter);
    }
}

foreach (string parameter in args[2..])
{
    commandLine.Add(parameter);
}

commandLine.AddVirtioMmioDevice(VirtioMmioTransport.RegionSize, new GuestAddress(RngBase), RngIrq);
MpTable.Write(memory, vcpuCount: 1);
X86BootState boot = LinuxBoot.ConfigureLongMode(memory, kernel, new LinuxBootOptions
{
    CommandLine = commandLine,
    Initrd = File.ReadAllBytes(args[1]),
});

// The vCPU: CPUID (KVM's, marked as a hypervisor, without the hypercall-based PV features on PVM hosts), boot MSRs, the
// local APIC's LINT0/LINT1 wired as a PC's (ExtINT, NMI), an initialised FPU, and the loader's 64-bit boot state.
using var vcpu = vm.CreateVcpu(0);
using (var cpuid = kvm.GetSupportedCpuid())
{
    foreach (ref var entry in cpuid.Entries)
    {
        if (entry.Function == 1)
        {
            entry.Ecx |= 1u << 31;
        }
        else if (entry.Function == 0x4000_0001 && PvmHost.IsPvm)
        {
            entry.Eax &= ~((1u << 11) | (1u << 13)); // PV IPIs and PV sched-yield are VMCALLs, which never return on PVM
        }
    }

    vcpu.SetCpuid(cpuid);
}

using (var msrs = new MsrEntries(2))
{
    msrs.Add(new MsrEntry(0x1a0, 1));                   // IA32_MISC_ENABLE: fast strings
    msrs.Add(new MsrEntry(0x2ff, (1UL << 11) | 6));     // MTRR default type: enabled, write-back
    vcpu.SetMsrs(msrs);
}

var lapic = vcpu.GetLapic();
Span<uint> lvt = MemoryMarshal.Cast<byte, uint>((Span<byte>)lapic.Registers);
lvt[0x350 / 4] = (lvt[0x350 / 4] & ~0x700u) | (7u << 8); // LVT LINT0: ExtINT
lvt[0x360 / 4] = (lvt[0x360 / 4] & ~0x700u) | (4u << 8); // LVT LINT1: NMI
vcpu.SetLapic(lapic);
vcpu.SetFpu(new FpuState { Fcw = 0x37f, Mxcsr = 0x1f80 });
boot.ApplyTo(vcpu);

// The console: guest output to stdout, watched for the kernel's last words after `poweroff -f`.
bool halted = false;
var consolePump = Task.Run(async () =>
{
    using var stdout = Console.OpenStandardOutput();
    var tail = new StringBuilder();
    while (true)
    {
        var read = await consoleOutput.Reader.ReadAsync();
        foreach (var segment in read.Buffer)
        {
            stdout.Write(segment.Span);
            tail.Append(Encoding.ASCII.GetString(segment.Span));
        }

        consoleOutput.Reader.AdvanceTo(read.Buffer.End);
        string text = tail.ToString();
        if (text.Contains("reboot: System halted", StringComparison.Ordinal) || text.Contains("reboot: Power down", StringComparison.Ordinal))
        {
            Volatile.Write(ref halted, true);
            vcpu.Kick(); // KVM_RUN returns Interrupted
            return;
        }

        tail.Remove(0, Math.Max(0, tail.Length - 64));
        if (read.IsCompleted)
        {
            return;
        }
    }
});

// The vCPU loop on this thread.
var fallback = new EmulationFallback();
string outcome;
while (true)
{
    var exit = vcpu.Run();
    if (exit.Reason == VcpuExitReason.Io)
    {
        var data = exit.IoData;
        for (int i = 0; i < exit.IoCount; i++)
        {
            var item = data.Slice(i * exit.IoSize, exit.IoSize);
            var result = exit.IoDirection == IoDirection.Out ? pio.Write(exit.IoPort, item) : pio.Read(exit.IoPort, item);
            if (result != BusAccessResult.Handled && exit.IoDirection == IoDirection.In)
            {
                item.Fill(0xff); // nothing there, as on a PC
            }
        }
    }
    else if (exit.Reason == VcpuExitReason.Mmio)
    {
        var result = exit.MmioIsWrite ? mmio.Write(exit.MmioAddress, exit.MmioData) : mmio.Read(exit.MmioAddress, exit.MmioData);
        if (result != BusAccessResult.Handled && !exit.MmioIsWrite)
        {
            exit.MmioData.Fill(0xff);
        }
    }
    else if (exit.Reason == VcpuExitReason.InternalError && exit.HasInstructionBytes)
    {
        // PVM hosts only: an instruction the host's emulator gave up on (int3, popcnt, fwait).
        var emulated = fallback.Handle(vcpu, exit.InstructionBytes);
        if (emulated.Status != EmulationStatus.Emulated)
        {
            outcome = $"the host cannot emulate '{emulated.Instruction}'";
            break;
        }
    }
    else if (exit.Reason == VcpuExitReason.Interrupted && Volatile.Read(ref halted))
    {
        outcome = "guest halted";
        break;
    }
    else if (exit.Reason == VcpuExitReason.Shutdown)
    {
        outcome = "guest reset (triple fault)";
        break;
    }
    else if (exit.Reason == VcpuExitReason.SystemEvent)
    {
        outcome = $"guest system event {exit.SystemEventType}";
        break;
    }
    else if (exit.Reason is not (VcpuExitReason.Interrupted or VcpuExitReason.IrqWindowOpen or VcpuExitReason.IoapicEoi))
    {
        outcome = $"unexpected exit {exit.Reason} at RIP 0x{vcpu.GetRegisters().Rip:x}";
        break;
    }
}

await consoleOutput.Writer.CompleteAsync();
await consolePump.WaitAsync(TimeSpan.FromSeconds(5));
Console.Error.WriteLine($"boot-linux: {outcome}");
return outcome.StartsWith("guest", StringComparison.Ordinal) ? 0 : 1;
