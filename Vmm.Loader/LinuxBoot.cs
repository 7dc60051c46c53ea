using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// Writes everything a loaded kernel needs before its first instruction (command line, initrd, E820
/// map, zero page or PVH start info, GDT/IDT/page tables) and returns the boot vCPU state.
/// </summary>
public static class LinuxBoot
{
    /// <summary>Prepares the 64-bit Linux boot protocol: RIP = the 64-bit entry, RSI = the zero page.</summary>
    /// <exception cref="BootConfigurationException">Something does not fit in guest RAM or the command line is too long for the kernel.</exception>
    public static X86BootState ConfigureLongMode(GuestMemory memory, LoadedKernel kernel, LinuxBootOptions options)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(options);
        var map = BuildMap(memory, options);
        var bootParams = BootParams.ForKernel(kernel, options.CommandLine.Capacity);
        options.CommandLine.Write(memory, BootLayout.CommandLine);
        bootParams.SetCommandLine(BootLayout.CommandLine, options.CommandLine.Length);
        if (!options.Initrd.IsEmpty)
        {
            ulong max = kernel.SetupHeader is { } header ? header.InitrdAddressMax : uint.MaxValue;
            var initrd = PlaceInitrd(memory, map, kernel, options.Initrd, max);
            bootParams.SetInitrd(initrd, (ulong)options.Initrd.Length);
        }

        bootParams.SetE820(map);
        if (options.AcpiRsdp is { } rsdp)
        {
            bootParams.SetAcpiRsdp(rsdp);
        }

        bootParams.Write(memory, BootLayout.ZeroPage);
        return X86BootState.CreateLongMode(memory, kernel.Entry64, BootLayout.ZeroPage);
    }

    /// <summary>Prepares the PVH boot protocol: 32-bit protected mode at the PVH entry, EBX = hvm_start_info.</summary>
    /// <exception cref="KernelFormatException">The kernel has no PVH entry note.</exception>
    /// <exception cref="BootConfigurationException">Something does not fit in guest RAM.</exception>
    public static X86BootState ConfigurePvh(GuestMemory memory, LoadedKernel kernel, LinuxBootOptions options)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(options);
        if (kernel.PvhEntry is not { } entry)
        {
            throw new KernelFormatException("The kernel has no XEN_ELFNOTE_PHYS32_ENTRY note: it cannot boot through PVH.");
        }

        var map = BuildMap(memory, options);
        options.CommandLine.Write(memory, BootLayout.CommandLine);
        var info = new PvhStartInfo(map) { CommandLine = BootLayout.CommandLine, Rsdp = options.AcpiRsdp ?? GuestAddress.Zero };
        if (!options.Initrd.IsEmpty)
        {
            var initrd = PlaceInitrd(memory, map, kernel, options.Initrd, uint.MaxValue);
            info.Modules.Add(new PvhModule(initrd, (ulong)options.Initrd.Length, GuestAddress.Zero));
        }

        var startInfo = info.Write(memory);
        return X86BootState.CreatePvh(memory, entry, startInfo);
    }

    private static E820Map BuildMap(GuestMemory memory, LinuxBootOptions options)
    {
        var builder = E820MapBuilder.FromGuestMemory(memory);
        foreach (var range in options.ReservedRanges)
        {
            builder.AddReserved(range);
        }

        return builder.Build();
    }

    private static GuestAddress PlaceInitrd(GuestMemory memory, E820Map map, LoadedKernel kernel, ReadOnlyMemory<byte> initrd, ulong max)
    {
        var address = InitrdPlacement.Find(map, (ulong)initrd.Length, max, kernel.Footprint);
        if (!memory.TryWrite(address, initrd.Span))
        {
            throw new BootConfigurationException($"Initrd at {address}+0x{initrd.Length:x} is outside guest memory.");
        }

        return address;
    }
}
