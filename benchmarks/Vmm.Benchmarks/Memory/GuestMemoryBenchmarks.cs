using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Vmm.Memory;

namespace Vmm.Benchmarks.Memory;

/// <summary>
/// Checked guest memory access against a raw pointer into the same mapping: a 64-bit read and write at
/// random addresses and a 4 KiB copy, with dirty tracking off and on. Each benchmark runs
/// <see cref="Operations"/> accesses per invocation over precomputed random addresses.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public unsafe class GuestMemoryBenchmarks
{
    private const int Operations = 4096;
    private const ulong Size = 64UL << 20;
    private const ulong GuestBase = 0x1_0000_0000;

    private GuestMemory _memory = null!;
    private byte* _host;
    private ulong[] _offsets = null!;
    private ulong[] _pageOffsets = null!;
    private byte[] _buffer = null!;

    /// <summary>Whether the region keeps a dirty bitmap.</summary>
    [Params(false, true)]
    public bool DirtyTracking { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(GuestBase), Size)], new MemoryRegionOptions { TrackDirtyPages = DirtyTracking });
        _host = (byte*)_memory.Regions[0].HostAddress;
        new Span<byte>(_host, int.MaxValue < (long)Size ? int.MaxValue : (int)Size).Fill(1);
        var random = new Random(42);
        _offsets = new ulong[Operations];
        _pageOffsets = new ulong[Operations];
        for (int i = 0; i < Operations; i++)
        {
            _offsets[i] = (ulong)random.NextInt64(0, (long)(Size / 8)) * 8;
            _pageOffsets[i] = (ulong)random.NextInt64(0, (long)(Size / 4096)) * 4096;
        }

        _buffer = new byte[4096];
    }

    [GlobalCleanup]
    public void Cleanup() => _memory.DisposeRegions();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read<ulong>")]
    public ulong RawReadUInt64()
    {
        ulong sum = 0;
        byte* host = _host;
        foreach (ulong offset in _offsets)
        {
            sum += *(ulong*)(host + offset);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read<ulong>")]
    public ulong ReadUInt64()
    {
        ulong sum = 0;
        var memory = _memory;
        foreach (ulong offset in _offsets)
        {
            sum += memory.Read<ulong>(new GuestAddress(GuestBase + offset));
        }

        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write<ulong>")]
    public void RawWriteUInt64()
    {
        byte* host = _host;
        foreach (ulong offset in _offsets)
        {
            *(ulong*)(host + offset) = offset;
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write<ulong>")]
    public void WriteUInt64()
    {
        var memory = _memory;
        foreach (ulong offset in _offsets)
        {
            memory.Write(new GuestAddress(GuestBase + offset), offset);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read 4 KiB")]
    public void RawRead4K()
    {
        byte* host = _host;
        var buffer = _buffer.AsSpan();
        foreach (ulong offset in _pageOffsets)
        {
            new ReadOnlySpan<byte>(host + offset, 4096).CopyTo(buffer);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Read 4 KiB")]
    public void Read4K()
    {
        var memory = _memory;
        var buffer = _buffer.AsSpan();
        foreach (ulong offset in _pageOffsets)
        {
            memory.Read(new GuestAddress(GuestBase + offset), buffer);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write 4 KiB")]
    public void RawWrite4K()
    {
        byte* host = _host;
        ReadOnlySpan<byte> buffer = _buffer;
        foreach (ulong offset in _pageOffsets)
        {
            buffer.CopyTo(new Span<byte>(host + offset, 4096));
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    [BenchmarkCategory("Write 4 KiB")]
    public void Write4K()
    {
        var memory = _memory;
        ReadOnlySpan<byte> buffer = _buffer;
        foreach (ulong offset in _pageOffsets)
        {
            memory.Write(new GuestAddress(GuestBase + offset), buffer);
        }
    }
}
