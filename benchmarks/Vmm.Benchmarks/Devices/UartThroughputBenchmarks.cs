using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Vmm.Devices;
using Vmm.Devices.Serial;

namespace Vmm.Benchmarks.Devices;

/// <summary>Guest console output: THR writes reaching the output pipe, as the vCPU thread performs them.</summary>
[MemoryDiagnoser]
public class UartThroughputBenchmarks
{
    private const int BytesPerInvoke = 4096;
    private readonly byte[] _byte = [0x41];
    private Pipe _pipe = null!;
    private Uart16550 _uart = null!;
    private Pipe _livePipe = null!;
    private Uart16550 _liveUart = null!;
    private Task _liveReader = Task.CompletedTask;

    [GlobalSetup]
    public void Setup()
    {
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        _uart = new Uart16550(new NoInterrupt(), _pipe.Writer);
        _livePipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        _liveUart = new Uart16550(new NoInterrupt(), _livePipe.Writer);
        _liveReader = Task.Run(() => ConsumeAsync(_livePipe.Reader));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _livePipe.Writer.Complete();
        _liveReader.Wait();
    }

    /// <summary>One THR write (per byte), the pipe drained after every 4096 bytes as the event loop would.</summary>
    [Benchmark(OperationsPerInvoke = BytesPerInvoke)]
    public long ThrWrite()
    {
        for (int i = 0; i < BytesPerInvoke; i++)
        {
            _uart.Write((ushort)0, _byte);
        }

        if (_pipe.Reader.TryRead(out var result))
        {
            _pipe.Reader.AdvanceTo(result.Buffer.End);
        }

        return _uart.TransmittedBytes;
    }

    /// <summary>One console byte as Linux's printk path sends it: an LSR poll, then the THR write.</summary>
    [Benchmark(OperationsPerInvoke = BytesPerInvoke)]
    public long PolledConsoleByte()
    {
        Span<byte> lsr = stackalloc byte[1];
        for (int i = 0; i < BytesPerInvoke; i++)
        {
            _uart.Read((ushort)5, lsr);
            _uart.Write((ushort)0, _byte);
        }

        if (_pipe.Reader.TryRead(out var result))
        {
            _pipe.Reader.AdvanceTo(result.Buffer.End);
        }

        return _uart.TransmittedBytes;
    }

    /// <summary>
    /// Console lines as Linux's printk path sends them (an LSR poll before each THR write, 64-byte lines), read by a live
    /// reader on the thread pool as the reference VMM's console bridge reads them: what a flush wakes up is counted too.
    /// </summary>
    [Benchmark(OperationsPerInvoke = BytesPerInvoke)]
    public long ConsoleLinesToLiveReader()
    {
        Span<byte> lsr = stackalloc byte[1];
        ReadOnlySpan<byte> newline = [(byte)'\n'];
        for (int i = 1; i <= BytesPerInvoke; i++)
        {
            _liveUart.Read((ushort)5, lsr);
            _liveUart.Write((ushort)0, i % 64 == 0 ? newline : _byte);
        }

        return _liveUart.TransmittedBytes;
    }

    private static async Task ConsumeAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private sealed class NoInterrupt : IInterruptLine
    {
        public void Raise()
        {
        }

        public void Lower()
        {
        }

        public void Pulse()
        {
        }
    }
}
