using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Vmm.Memory;

namespace Vmm.Benchmarks.Memory;

/// <summary>
/// The accesses that leave the first-region fast path and walk the region list: guest memory is a 1 MiB region at 0
/// and two adjacent 32 MiB regions at 4 GiB, and every access lands in the upper regions (a 64-bit value, a 4 KiB copy,
/// a 4 KiB fill, a zero-copy span) or straddles their boundary (a 4 KiB copy split in two). Each benchmark runs
/// <see cref="Operations"/> accesses per invocation over precomputed random addresses.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class GuestMemoryRegionWalkBenchmarks
{
    private const int Operations = 4096;
    private const ulong HighBase = 0x1_0000_0000;
    private const ulong HighRegionSize = 32UL << 20;

    private GuestMemory _memory = null!;
    private ulong[] _addresses = null!;
    private ulong[] _pageAddresses = null!;
    private ulong[] _splitAddresses = null!;
    private byte[] _buffer = null!;

    /// <summary>Whether the regions keep a dirty bitmap.</summary>
    [Params(false, true)]
    public bool DirtyTracking { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _memory = GuestMemory.Allocate(
            [
                new GuestRange(GuestAddress.Zero, 1 << 20),
                new GuestRange(new GuestAddress(HighBase), HighRegionSize),
                new GuestRange(new GuestAddress(HighBase + HighRegionSize), HighRegionSize),
            ],
            new MemoryRegionOptions { TrackDirtyPages = DirtyTracking });
        _memory.Fill(new GuestAddress(HighBase), 2 * HighRegionSize, 1);
        var random = new Random(42);
        _addresses = new ulong[Operations];
        _pageAddresses = new ulong[Operations];
        _splitAddresses = new ulong[Operations];
        for (int i = 0; i < Operations; i++)
        {
            _addresses[i] = HighBase + ((ulong)random.NextInt64(0, (long)(2 * HighRegionSize / 8)) * 8);
            _pageAddresses[i] = HighBase + ((ulong)random.NextInt64(0, (long)(2 * HighRegionSize / 4096)) * 4096);
            _splitAddresses[i] = HighBase + HighRegionSize - (ulong)random.NextInt64(1, 4096);
        }

        _buffer = new byte[4096];
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.DisposeRegions();

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read<ulong>")]
    public ulong ReadUInt64()
    {
        ulong sum = 0;
        var memory = _memory;
        foreach (ulong address in _addresses)
        {
            sum += memory.Read<ulong>(new GuestAddress(address));
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write<ulong>")]
    public void WriteUInt64()
    {
        var memory = _memory;
        foreach (ulong address in _addresses)
        {
            memory.Write(new GuestAddress(address), address);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read 4 KiB")]
    public void Read4K()
    {
        var memory = _memory;
        var buffer = _buffer.AsSpan();
        foreach (ulong address in _pageAddresses)
        {
            memory.Read(new GuestAddress(address), buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write 4 KiB")]
    public void Write4K()
    {
        var memory = _memory;
        ReadOnlySpan<byte> buffer = _buffer;
        foreach (ulong address in _pageAddresses)
        {
            memory.Write(new GuestAddress(address), buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read 4 KiB split")]
    public void Read4KAcrossRegions()
    {
        var memory = _memory;
        var buffer = _buffer.AsSpan();
        foreach (ulong address in _splitAddresses)
        {
            memory.Read(new GuestAddress(address), buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write 4 KiB split")]
    public void Write4KAcrossRegions()
    {
        var memory = _memory;
        ReadOnlySpan<byte> buffer = _buffer;
        foreach (ulong address in _splitAddresses)
        {
            memory.Write(new GuestAddress(address), buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Fill 4 KiB")]
    public void Fill4K()
    {
        var memory = _memory;
        foreach (ulong address in _pageAddresses)
        {
            memory.Fill(new GuestAddress(address), 4096, 0x5a);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Span 4 KiB")]
    public int ReadOnlySpan4K()
    {
        int sum = 0;
        var memory = _memory;
        foreach (ulong address in _pageAddresses)
        {
            memory.TryGetReadOnlySpan(new GuestAddress(address), 4096, out var span);
            sum += span[4095];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Writable span 4 KiB")]
    public void WritableSpan4K()
    {
        var memory = _memory;
        foreach (ulong address in _pageAddresses)
        {
            memory.TryGetWritableSpan(new GuestAddress(address), 4096, out var span);
            span[0] = 1;
        }
    }
}
