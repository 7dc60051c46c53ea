using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Vmm.Devices;

namespace Vmm.Virtio.Console;

/// <summary>
/// virtio-console with a single port and the size configuration (VIRTIO_CONSOLE_F_SIZE): receiveq 0 carries host input
/// to the guest, transmitq 1 carries guest output to the host. Guest output goes to a <see cref="PipeWriter"/> without
/// ever blocking the processing thread: while a flush is held back by the reader, further output is dropped and counted
/// in <see cref="DroppedOutputBytes"/>. Host input comes from a <see cref="PipeReader"/> through
/// <see cref="RunInputAsync"/>, which fills receive buffers as the guest posts them.
/// </summary>
public sealed class VirtioConsole : VirtioDevice, IDeviceCounters
{
    /// <summary>VIRTIO_CONSOLE_F_SIZE.</summary>
    public const ulong FeatureSize = 1UL << 0;

    /// <summary>The receive queue (host → guest).</summary>
    public const int ReceiveQueue = 0;

    /// <summary>The transmit queue (guest → host).</summary>
    public const int TransmitQueue = 1;

    private readonly PipeWriter _output;
    private readonly PipeReader? _input;
    private readonly SemaphoreSlim _receiveBuffersPosted = new(0, 1);
    private ValueTask<FlushResult> _pendingFlush;
    private bool _flushPending;
    private bool _outputClosed;
    private ushort _columns;
    private ushort _rows;
    private long _dropped;

    /// <summary>Creates a console writing guest output to <paramref name="output"/> and reading host input from <paramref name="input"/>.</summary>
    public VirtioConsole(PipeWriter output, PipeReader? input, ushort columns = 80, ushort rows = 25)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _input = input;
        _columns = columns;
        _rows = rows;
    }

    /// <summary>Guest output bytes dropped because the output pipe was full or closed.</summary>
    public long DroppedOutputBytes => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public IReadOnlyList<DeviceCounter> ReadCounters() => [new("dropped-output", DroppedOutputBytes)];

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Console;

    /// <inheritdoc/>
    public override int QueueCount => 2;

    /// <inheritdoc/>
    public override int ConfigSize => 12;

    /// <inheritdoc/>
    protected override ulong DeviceFeatures => FeatureSize;

    /// <inheritdoc/>
    public override void ReadConfig(int offset, Span<byte> data)
    {
        Span<byte> config = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(config, Volatile.Read(ref _columns));
        BinaryPrimitives.WriteUInt16LittleEndian(config[2..], Volatile.Read(ref _rows));
        BinaryPrimitives.WriteUInt32LittleEndian(config[4..], 1);
        config.Slice(offset, data.Length).CopyTo(data);
    }

    /// <summary>Changes the console size and tells the driver (configuration-change interrupt).</summary>
    public void Resize(ushort columns, ushort rows)
    {
        lock (QueueLock)
        {
            Volatile.Write(ref _columns, columns);
            Volatile.Write(ref _rows, rows);
            Context?.NotifyConfigChanged();
        }
    }

    /// <summary>
    /// Pumps host input into the guest until the input pipe completes or <paramref name="cancellationToken"/> fires:
    /// each chunk is copied into receive buffers as the guest posts them (waiting for the guest, never dropping input).
    /// </summary>
    public async Task RunInputAsync(CancellationToken cancellationToken)
    {
        if (_input is null)
        {
            return;
        }

        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            long consumed = 0;
            while (consumed < buffer.Length)
            {
                lock (QueueLock)
                {
                    consumed += FillReceiveBuffers(buffer.Slice(consumed));
                }

                if (consumed < buffer.Length)
                {
                    await _receiveBuffersPosted.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            _input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <inheritdoc/>
    protected internal override void ProcessQueue(int queueIndex)
    {
        if (queueIndex == ReceiveQueue)
        {
            WakeInputPump();
        }
        else if (queueIndex == TransmitQueue)
        {
            ProcessChains(queueIndex);
        }
    }

    /// <inheritdoc/>
    protected override bool OnActivate(VirtioDeviceContext context)
    {
        WakeInputPump();
        return true;
    }

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        if (_flushPending)
        {
            if (!_pendingFlush.IsCompleted)
            {
                Interlocked.Add(ref _dropped, chain.ReadableLength);
                return 0;
            }

            try
            {
                _outputClosed |= _pendingFlush.GetAwaiter().GetResult().IsCompleted;
            }
            catch (InvalidOperationException)
            {
                _outputClosed = true;
            }

            _flushPending = false;
        }

        if (_outputClosed)
        {
            Interlocked.Add(ref _dropped, chain.ReadableLength);
            return 0;
        }

        var reader = chain.CreateReader();
        while (reader.TryGetNextSpan(4096, out var span))
        {
            _output.Write(span);
        }

        _pendingFlush = _output.FlushAsync(CancellationToken.None);
        _flushPending = true;
        return 0;
    }

    private long FillReceiveBuffers(ReadOnlySequence<byte> data)
    {
        if (Context is not { } context || !context.Queues[ReceiveQueue].IsReady)
        {
            return 0;
        }

        var queue = context.Queues[ReceiveQueue];
        long consumed = 0;
        bool completed = false;
        while (consumed < data.Length)
        {
            if (!queue.TryPop(out var chain, out var error))
            {
                if (error == QueueError.None)
                {
                    break;
                }

                if (error.IsFatal())
                {
                    context.RequestReset();
                    break;
                }

                if (chain.HasUsableHead)
                {
                    queue.AddUsed(chain.HeadIndex, 0);
                    completed = true;
                }

                continue;
            }

            var writer = chain.CreateWriter();
            foreach (var segment in data.Slice(consumed))
            {
                var source = segment.Span;
                int n = (int)Math.Min((uint)source.Length, writer.Remaining);
                if (n == 0 || !writer.TryWrite(source[..n]))
                {
                    break;
                }

                consumed += n;
            }

            queue.AddUsed(chain.HeadIndex, writer.BytesWritten);
            completed = true;
        }

        if (completed)
        {
            context.SignalUsedQueue(ReceiveQueue);
        }

        return consumed;
    }

    private void WakeInputPump()
    {
        if (_receiveBuffersPosted.CurrentCount == 0)
        {
            try
            {
                _receiveBuffersPosted.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread woke it first: one wake-up is enough.
            }
        }
    }
}
