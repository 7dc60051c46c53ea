using BenchmarkDotNet.Attributes;
using Vmm.Devices;

namespace Vmm.Benchmarks.Devices;

/// <summary>Routing one guest access through a bus holding 64 devices.</summary>
[MemoryDiagnoser]
public class BusLookupBenchmarks
{
    private readonly PioBus _pio = new();
    private readonly MmioBus _mmio = new();
    private readonly byte[] _data = new byte[4];
    private ushort[] _ports = [];
    private ulong[] _addresses = [];

    [GlobalSetup]
    public void Setup()
    {
        var device = new NullDevice();
        for (int i = 0; i < 64; i++)
        {
            _pio.Register((ushort)(0x100 + (i * 16)), 8, device);
            _mmio.Register(0xd000_0000UL + ((ulong)i * 0x1000), 0x200, device);
        }

        var random = new Random(42);
        _ports = Enumerable.Range(0, 1024).Select(_ => (ushort)(0x100 + (random.Next(64) * 16) + random.Next(8))).ToArray();
        _addresses = Enumerable.Range(0, 1024).Select(_ => 0xd000_0000UL + ((ulong)random.Next(64) * 0x1000) + (ulong)random.Next(0x1FC)).ToArray();
    }

    /// <summary>One PIO read routed to one of 64 devices (averaged over 1024 different ports).</summary>
    [Benchmark(OperationsPerInvoke = 1024)]
    public int PioRead()
    {
        int handled = 0;
        var data = _data.AsSpan(0, 1);
        foreach (ushort port in _ports)
        {
            handled += (int)_pio.Read(port, data);
        }

        return handled;
    }

    /// <summary>One 4-byte MMIO write routed to one of 64 devices (averaged over 1024 different addresses).</summary>
    [Benchmark(OperationsPerInvoke = 1024)]
    public int MmioWrite()
    {
        int handled = 0;
        foreach (ulong address in _addresses)
        {
            handled += (int)_mmio.Write(address, _data);
        }

        return handled;
    }

    private sealed class NullDevice : IPioDevice, IMmioDevice
    {
        public void Read(ushort offset, Span<byte> data) => data[0] = (byte)offset;

        public void Write(ushort offset, ReadOnlySpan<byte> data)
        {
        }

        public void Read(ulong offset, Span<byte> data) => data[0] = (byte)offset;

        public void Write(ulong offset, ReadOnlySpan<byte> data)
        {
        }
    }
}
