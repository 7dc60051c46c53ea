using BenchmarkDotNet.Attributes;
using Vmm.Loader;
using Vmm.Memory;

namespace Vmm.Benchmarks.Loader;

/// <summary>
/// Time to load each Debian kernel (.cache/debian, from eng/setup.d/10-debian-kernels.sh) by each
/// path — bzImage as is, bzImage decompressed on the host — against reading the file alone.
/// </summary>
[MemoryDiagnoser]
public class KernelLoadBenchmarks
{
    private GuestMemory _memory = null!;
    private string _path = null!;

    /// <summary>The kernel flavour: cloud (LZ4 payload) or generic (XZ payload).</summary>
    [Params("cloud", "generic")]
    public string Flavour { get; set; } = "cloud";

    [GlobalSetup]
    public void Setup()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Vmm.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        _path = Path.Combine(dir ?? ".", ".cache", "debian", "vmlinuz-" + Flavour);
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException("Run eng/setup.d/10-debian-kernels.sh first.", _path);
        }

        _memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, 256UL << 20)]);
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.DisposeRegions();

    [Benchmark(Baseline = true)]
    public int ReadFileOnly() => File.ReadAllBytes(_path).Length;

    [Benchmark]
    public LoadedKernel LoadBzImage() => BzImage.Parse(File.ReadAllBytes(_path)).Load(_memory);

    [Benchmark]
    public LoadedKernel LoadDecompressed() => BzImage.Parse(File.ReadAllBytes(_path)).LoadDecompressed(_memory);
}
