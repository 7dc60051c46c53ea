using System.IO.Pipelines;

namespace Vmm.Reference.Host;

/// <summary>
/// Connects the guest console device's byte pipes to this process's standard streams: guest output
/// is copied to stdout (watched for a kernel panic message), stdin is copied into the guest's input pipe.
/// </summary>
internal sealed class ConsoleBridge : IDisposable
{
    private readonly Stream _stdout;
    private readonly TextMatcher _panic = new("Kernel panic - not syncing");
    private readonly TextMatcher _halted = new("reboot: System halted");
    private readonly TextMatcher _powerDown = new("reboot: Power down");
    private readonly CancellationTokenSource _cancel = new();
    private readonly SemaphoreSlim _stdoutLock = new(1, 1);
    private Task? _outputTask;
    private Task? _virtioOutputTask;
    private long _consumed;
    private volatile bool _panicSeen;

    public ConsoleBridge(Stream stdout)
    {
        _stdout = stdout;
    }

    /// <summary>Guest → host bytes (the device writes, the bridge reads).</summary>
    public Pipe Output { get; } = new(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));

    /// <summary>Guest → host bytes of the virtio console (a second writer thread needs its own pipe).</summary>
    public Pipe VirtioOutput { get; } = new(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));

    /// <summary>Host → guest bytes (the bridge writes, the device pumps).</summary>
    public Pipe Input { get; } = new(new PipeOptions(pauseWriterThreshold: 64 << 10, resumeWriterThreshold: 32 << 10, useSynchronizationContext: false));

    /// <summary>Raised (once per occurrence) on the output thread when the guest prints "Kernel panic - not syncing".</summary>
    public event Action? PanicDetected;

    /// <summary>
    /// Raised on the output thread when the guest kernel prints that it has halted or powered down. A kernel
    /// without ACPI has no power-off device: after "reboot: System halted" it stops in <c>hlt</c> with
    /// interrupts off, which an in-kernel irqchip never reports to userspace.
    /// </summary>
    public event Action<string>? HaltDetected;

    /// <summary>Whether the guest has printed a kernel panic message.</summary>
    public bool PanicSeen => _panicSeen;

    /// <summary>Waits (bounded) until the bridge has looked at <paramref name="produced"/> bytes of guest output.</summary>
    public void WaitForOutput(long produced, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _consumed) < produced && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }
    }

    public void Start(bool forwardStdin)
    {
        _outputTask = Task.Run(() => CopyOutputAsync(Output.Reader, watch: true));
        _virtioOutputTask = Task.Run(() => CopyOutputAsync(VirtioOutput.Reader, watch: false));
        if (forwardStdin)
        {
            var thread = new Thread(CopyInput) { Name = "stdin", IsBackground = true };
            thread.Start();
        }
    }

    /// <summary>Writes what the guest printed so far to stdout and stops copying.</summary>
    public void Drain(TimeSpan timeout)
    {
        Output.Writer.Complete();
        VirtioOutput.Writer.Complete();
        _outputTask?.Wait(timeout);
        _virtioOutputTask?.Wait(timeout);
        _cancel.Cancel();
    }

    public void Dispose()
    {
        _cancel.Dispose();
        _stdoutLock.Dispose();
    }

    private async Task CopyOutputAsync(PipeReader reader, bool watch)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_cancel.Token).ConfigureAwait(false);
                await _stdoutLock.WaitAsync(_cancel.Token).ConfigureAwait(false);
                try
                {
                    await WriteAsync(result.Buffer, watch).ConfigureAwait(false);
                }
                finally
                {
                    _stdoutLock.Release();
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // stdout closed: keep the guest running, drop its output.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(System.Buffers.ReadOnlySequence<byte> buffer, bool watch)
    {
        foreach (var segment in buffer)
        {
            if (watch && _panic.Feed(segment.Span))
            {
                _panicSeen = true;
                PanicDetected?.Invoke();
            }

            if (watch && _halted.Feed(segment.Span))
            {
                HaltDetected?.Invoke("reboot: System halted");
            }

            if (watch && _powerDown.Feed(segment.Span))
            {
                HaltDetected?.Invoke("reboot: Power down");
            }

            if (watch)
            {
                Interlocked.Add(ref _consumed, segment.Length);
            }

            await _stdout.WriteAsync(segment, _cancel.Token).ConfigureAwait(false);
        }

        await _stdout.FlushAsync(_cancel.Token).ConfigureAwait(false);
    }

    private void CopyInput()
    {
        var writer = Input.Writer;
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (!_cancel.IsCancellationRequested)
            {
                int n = stdin.Read(buffer, 0, buffer.Length);
                if (n <= 0)
                {
                    break;
                }

                var flush = writer.WriteAsync(buffer.AsMemory(0, n), _cancel.Token).AsTask();
                flush.Wait(_cancel.Token);
                if (flush.Result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or AggregateException)
        {
        }
        finally
        {
            writer.Complete();
        }
    }
}
