using Vmm.Reference.Configuration;

namespace Vmm.Reference.Machine;

/// <summary>
/// The user's files, opened and checked before anything else happens: the kernel and initrd read
/// into memory, the disks opened and locked, the taps opened. Nothing here writes to a user's file.
/// </summary>
internal sealed class InputFiles : IDisposable
{
    private InputFiles(ReadOnlyMemory<byte> kernel, ReadOnlyMemory<byte> initrd, List<DiskImage> disks, List<NetBackend> nets)
    {
        Kernel = kernel;
        Initrd = initrd;
        Disks = disks;
        Nets = nets;
    }

    public ReadOnlyMemory<byte> Kernel { get; private set; }

    public ReadOnlyMemory<byte> Initrd { get; private set; }

    /// <summary>Drops the kernel and initrd images once they are in guest memory (they would double the VMM's footprint).</summary>
    public void ReleaseImages()
    {
        Kernel = ReadOnlyMemory<byte>.Empty;
        Initrd = ReadOnlyMemory<byte>.Empty;
    }

    public IReadOnlyList<DiskImage> Disks { get; }

    /// <summary>The taps of the --net devices, in order (the devices take them over).</summary>
    public IReadOnlyList<NetBackend> Nets { get; }

    public static InputFiles Open(VmConfig config)
    {
        var kernel = ReadFile(config.KernelPath, "kernel", ExitCode.KernelNotFound);
        if (kernel.Length < 64)
        {
            throw new VmmException(ExitCode.InvalidKernel, $"{config.KernelPath} is not a kernel vmm can boot: the file is only {kernel.Length} bytes");
        }

        ValidateKernelFormat(config.KernelPath, kernel);
        var initrd = config.InitrdPath is null ? ReadOnlyMemory<byte>.Empty : ReadFile(config.InitrdPath, "initrd", ExitCode.InitrdNotFound);
        config.Vsock?.CheckSocketPathFree();
        var disks = new List<DiskImage>();
        var nets = new List<NetBackend>();
        try
        {
            foreach (var disk in config.Disks)
            {
                disks.Add(DiskImage.Open(disk));
            }

            foreach (var net in config.Nets)
            {
                nets.Add(NetBackend.Open(net));
            }
        }
        catch
        {
            DisposeAll(disks, nets);
            throw;
        }

        return new InputFiles(kernel, initrd, disks, nets);
    }

    public void Dispose() => DisposeAll(Disks, Nets);

    private static void DisposeAll(IEnumerable<IDisposable> disks, IEnumerable<IDisposable> nets)
    {
        foreach (var item in disks.Concat(nets))
        {
            item.Dispose();
        }
    }

    /// <summary>Parses the kernel's headers now, so a file that is not a kernel is reported before anything else is set up.</summary>
    private static void ValidateKernelFormat(string path, byte[] image)
    {
        try
        {
            if (Vmm.Loader.BzImage.IsBzImage(image))
            {
                _ = Vmm.Loader.BzImage.Parse(image);
            }
            else
            {
                _ = Vmm.Loader.ElfKernel.Parse(image);
            }
        }
        catch (Vmm.Loader.KernelFormatException e)
        {
            throw new VmmException(ExitCode.InvalidKernel, $"{path} is not a kernel vmm can boot: {e.Message}", e);
        }
    }

    private static byte[] ReadFile(string path, string what, ExitCode missing)
    {
        if (Directory.Exists(path))
        {
            throw new VmmException(missing, $"{what} {path} is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            throw new VmmException(missing, $"{what} {path} does not exist");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VmmException(missing, $"cannot read {what} {path}: {e.Message}", e);
        }
    }
}
