// A custom VMM built from the Vmm.NET packages alone: one vCPU in 64-bit mode runs a tiny hand-written guest that
// brings up a virtio-console over virtio-mmio by itself (status handshake, feature negotiation, transmit queue set-up),
// puts one buffer on the transmit queue and notifies the device. The VMM prints what the device received.
using System.IO.Pipelines;
using Iced.Intel;
using Vmm.Devices;
using Vmm.Kvm;
using Vmm.Loader;
using Vmm.Memory;
using Vmm.Samples;
using Vmm.Virtio;
using Vmm.Virtio.Console;
using static Iced.Intel.AssemblerRegisters;

const ulong VirtioBase = 0xd000_0000;   // the device's 4 KiB virtio-mmio window (no RAM there: every access exits)
const uint VirtioIrq = 5;               // its interrupt: an irqfd on GSI 5 (the tiny guest keeps interrupts off)
const ulong CodeAddress = 0x10_0000;    // guest code at 1 MiB
const ulong Descriptors = 0x20_0000;    // the transmit queue's rings, as the guest's driver lays them out
const ulong AvailRing = 0x20_0100;
const ulong UsedRing = 0x20_0200;
const ulong Message = 0x20_1000;        // the bytes the guest prints
const byte DonePort = 0xf4;             // the guest writes here when it is done
const int TransmitQueue = VirtioConsole.TransmitQueue;
byte[] text = "Hello from the guest through virtio-console!\n"u8.ToArray();

if (!Kvm.IsAvailable())
{
    Console.Error.WriteLine("custom-vmm: /dev/kvm is not available on this machine");
    return 2;
}

// Guest memory (Vmm.Memory) and the VM (Vmm.Kvm): 4 MiB of RAM at guest-physical 0 in KVM slot 0.
using GuestMemory memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, 4 << 20)]);
using var kvm = Kvm.Open();
using var vm = kvm.CreateVm();
var ram = memory.Regions[0];
vm.SetUserMemoryRegion(0, ram.GuestBase.Value, ram.Size, ram.HostAddress);
vm.SetTssAddress(0xfffb_d000);
vm.CreateIrqChip();

// The device (Vmm.Virtio): a virtio-console whose output goes into a pipe, behind a virtio-mmio transport on the MMIO bus.
var output = new Pipe();
var console = new VirtioConsole(output.Writer, input: null);
using var irq = new IrqFdLine(vm, VirtioIrq);
var transport = new VirtioMmioTransport(console, memory, irq, name: "console");
var mmio = new MmioBus();
mmio.Register(VirtioBase, VirtioMmioTransport.RegionSize, transport);

// The guest: a virtio driver in 27 instructions, polling instead of taking the interrupt.
var asm = new Assembler(64);
asm.mov(ebx, (uint)VirtioBase);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.Status], 1);             // ACKNOWLEDGE
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.Status], 1 | 2);         // DRIVER
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.DriverFeaturesSel], 1);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.DriverFeatures], 1);     // feature bit 32: VIRTIO_F_VERSION_1, nothing else
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.Status], 1 | 2 | 8);     // FEATURES_OK
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueSel], TransmitQueue);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueNum], 4);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueDescLow], (int)Descriptors);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueDriverLow], (int)AvailRing);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueDeviceLow], (int)UsedRing);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueReady], 1);
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.Status], 1 | 2 | 8 | 4); // DRIVER_OK: the device is live
asm.mov(edi, (uint)Descriptors);                                      // descriptor 0 = the message, device-readable
asm.mov(__dword_ptr[rdi], (int)Message);
asm.mov(__dword_ptr[rdi + 4], 0);
asm.mov(__dword_ptr[rdi + 8], text.Length);
asm.mov(__dword_ptr[rdi + 12], 0);                                    // flags 0, next 0
asm.mov(edi, (uint)AvailRing);
asm.mov(__word_ptr[rdi + 4], 0);                                      // avail.ring[0] = descriptor 0
asm.mov(__word_ptr[rdi + 2], 1);                                      // avail.idx = 1: published
asm.mov(__dword_ptr[rbx + VirtioMmioRegister.QueueNotify], TransmitQueue);
asm.mov(edi, (uint)UsedRing);
var wait = asm.CreateLabel();
asm.Label(ref wait);
asm.cmp(__word_ptr[rdi + 2], 1);                                      // until used.idx = 1: the device consumed it
asm.jne(wait);
asm.mov(al, 0);
asm.@out(DonePort, al);
asm.hlt();
var code = new MemoryStream();
asm.Assemble(new StreamCodeWriter(code), CodeAddress);
memory.Write(new GuestAddress(CodeAddress), code.ToArray());
memory.Write(new GuestAddress(Message), text);

// The vCPU (Vmm.Loader + Vmm.Kvm): the loader writes a GDT and page tables identity-mapping 4 GiB and returns the
// 64-bit CPU state; ApplyTo (samples/Shared) copies it into the vCPU's registers.
X86BootState boot = X86BootState.CreateLongMode(memory, new GuestAddress(CodeAddress), BootLayout.ZeroPage);
using var vcpu = vm.CreateVcpu(0);
using (var cpuid = kvm.GetSupportedCpuid())
{
    vcpu.SetCpuid(cpuid);
}

boot.ApplyTo(vcpu);

// The exit loop: MMIO goes to the bus (the transport processes QueueNotify inline on this thread); the guest ends
// with an OUT to DonePort.
int exits = 0;
for (bool running = true; running; exits++)
{
    var exit = vcpu.Run();
    switch (exit.Reason)
    {
        case VcpuExitReason.Mmio when exit.MmioIsWrite:
            mmio.Write(exit.MmioAddress, exit.MmioData);
            break;
        case VcpuExitReason.Mmio:
            mmio.Read(exit.MmioAddress, exit.MmioData);
            break;
        case VcpuExitReason.Io when exit.IoPort == DonePort:
            running = false;
            break;
        default:
            Console.Error.WriteLine($"custom-vmm: unexpected exit {exit.Reason} at RIP 0x{vcpu.GetRegisters().Rip:x}");
            return 1;
    }
}

await output.Writer.CompleteAsync();
await output.Reader.CopyToAsync(Console.OpenStandardOutput());
Console.WriteLine($"custom-vmm: guest done after {exits} exits; device status {transport.Status}, {transport.Queues[TransmitQueue].NextUsed} buffer(s) used");
return transport.Queues[TransmitQueue].NextUsed == 1 ? 0 : 1;
