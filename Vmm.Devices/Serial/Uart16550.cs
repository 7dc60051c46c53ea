using System.Buffers;
using System.IO.Pipelines;
using System.Numerics;
using static Vmm.Devices.Serial.Uart16550Registers;

namespace Vmm.Devices.Serial;

/// <summary>
/// A 16550A UART as a PC serial port (COM1 is ports 0x3F8–0x3FF, IRQ 4): every register including the divisor
/// latch, a 64-byte receive FIFO with a hard bound, interrupt identification with the datasheet's priorities,
/// loopback, and a transmitter that sends its bytes to a <see cref="PipeWriter"/>, flushed once per burst.
/// </summary>
/// <remarks>
/// <para>Threads: vCPU threads call <see cref="Read(ushort, Span{byte})"/>/<see cref="Write(ushort, ReadOnlySpan{byte})"/>;
/// the event loop offers input through <see cref="TryEnqueueInput"/> or <see cref="PumpInputAsync"/>. A small
/// lock (uncontended in practice) orders them; no access allocates or blocks.</para>
/// <para>Output never blocks the vCPU: each byte is written into the pipe's buffer, and the buffer is flushed without
/// waiting once per transmit burst rather than once per byte. A burst is the guest's run of THR writes with only LSR
/// polls in between; it ends, and is flushed, at the next access to another register (Linux's interrupt handler reads
/// IIR again, its console path restores IER), at a second LSR read with no THR write since the first, and at a newline.
/// Within a burst, bytes 1, 2, 4, … 64 and then every 64th are flushed as they come, so the first byte of any output
/// (a typed character's echo) leaves at once and at most 64 bytes wait unflushed. If a flush does not complete
/// (the reader is behind and the pipe's pause threshold is reached), bytes written until the reader catches up are
/// dropped and counted in <see cref="DroppedOutputBytes"/>: a slow terminal loses output rather than stalling the guest,
/// and the pipe holds at most its pause threshold plus <see cref="FifoCapacity"/> bytes. Create the pipe with a pause
/// threshold (the output buffer bound) and the default thread-pool scheduler, and copy its reader to the real output on
/// the event loop.</para>
/// <para>Interrupts are level-triggered: the line is raised while an enabled condition is pending and lowered
/// when none is. As on PC hardware the line is gated by MCR.OUT2 (Linux sets OUT2 when it uses the IRQ and
/// polls otherwise); pass <c>out2GatesInterrupt: false</c> for guests that expect an ungated line.</para>
/// <para>Timing model: the line has no character time, so the transmitter is always empty (LSR.THRE and TEMT
/// are always set) and received bytes are reported at once; bytes below the FIFO trigger level are reported as a
/// character-timeout interrupt, as the UART would after four character times.</para>
/// </remarks>
public sealed class Uart16550 : IPioDevice, IMmioDevice, IDeviceCounters
{
    /// <summary>The first port of COM1.</summary>
    public const ushort Com1BasePort = 0x3F8;

    /// <summary>The first port of COM2.</summary>
    public const ushort Com2BasePort = 0x2F8;

    /// <summary>How many consecutive ports (or MMIO bytes) the UART decodes.</summary>
    public const int RegisterCount = 8;

    /// <summary>The receive FIFO's capacity.</summary>
    public const int FifoCapacity = 64;

    /// <summary>The divisor latch after reset: 12, i.e. 9600 baud from the PC's 1.8432 MHz clock.</summary>
    public const ushort DefaultDivisor = 12;

    private readonly Lock _lock = new();
    private readonly IInterruptLine _interrupt;
    private readonly PipeWriter? _output;
    private readonly bool _out2GatesInterrupt;
    private readonly BoundedByteQueue _receive = new(FifoCapacity);

    private byte _ier;
    private byte _lcr;
    private byte _mcr;
    private byte _scr;
    private ushort _divisor = DefaultDivisor;
    private byte _fcr;
    private bool _overrun;
    private byte _msrDeltas;
    private bool _thrEmptyPending;
    private bool _lineRaised;

    private Task<FlushResult>? _pendingFlush;
    private bool _outputClosed;
    private int _unflushed;
    private int _burst;
    private bool _lsrPolled;
    private long _transmitted;
    private long _dropped;
    private TaskCompletionSource? _spaceWaiter;

    /// <summary>Creates a UART in its reset state.</summary>
    /// <param name="interrupt">The IRQ line (IRQ 4 for COM1).</param>
    /// <param name="output">Where transmitted bytes go; <see langword="null"/> discards them.</param>
    /// <param name="out2GatesInterrupt">Whether MCR.OUT2 must be set for the interrupt to reach the line, as on PCs.</param>
    public Uart16550(IInterruptLine interrupt, PipeWriter? output, bool out2GatesInterrupt = true)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        _interrupt = interrupt;
        _output = output;
        _out2GatesInterrupt = out2GatesInterrupt;
    }

    /// <summary>Bytes the guest transmitted that reached the output pipe (counted when flushed).</summary>
    public long TransmittedBytes => Volatile.Read(ref _transmitted);

    /// <summary>Bytes the guest transmitted that were dropped because the output pipe was full or closed.</summary>
    public long DroppedOutputBytes => Volatile.Read(ref _dropped);

    /// <inheritdoc/>
    public IReadOnlyList<DeviceCounter> ReadCounters() => [new("transmitted", TransmittedBytes), new("dropped", DroppedOutputBytes)];

    /// <summary>How many more received bytes the UART would accept now.</summary>
    public int InputSpace
    {
        get
        {
            lock (_lock)
            {
                return FreeInputSpace();
            }
        }
    }

    /// <inheritdoc/>
    public void Read(ushort offset, Span<byte> data) => Read((ulong)offset, data);

    /// <inheritdoc/>
    public void Write(ushort offset, ReadOnlySpan<byte> data) => Write((ulong)offset, data);

    /// <summary>Reads registers; a wider access reads consecutive registers, bytes past the last register read 0xFF.</summary>
    public void Read(ulong offset, Span<byte> data)
    {
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                ulong register = offset + (ulong)i;
                if (register < RegisterCount)
                {
                    NoteRead((int)register);
                    data[i] = ReadRegister((int)register);
                }
                else
                {
                    data[i] = 0xFF;
                }
            }

            UpdateInterruptLine();
        }
    }

    /// <summary>Writes registers; a wider access writes consecutive registers, bytes past the last register are ignored.</summary>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            for (int i = 0; i < data.Length; i++)
            {
                ulong register = offset + (ulong)i;
                if (register < RegisterCount)
                {
                    if (register != Data || DivisorLatchSelected)
                    {
                        EndTransmitBurst();
                    }

                    WriteRegister((int)register, data[i]);
                }
            }

            UpdateInterruptLine();
        }
    }

    /// <summary>Offers received bytes to the receive FIFO.</summary>
    /// <returns>How many leading bytes of <paramref name="bytes"/> were accepted; the rest did not fit (or the UART is in loopback) and stays with the caller.</returns>
    public int TryEnqueueInput(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            return EnqueueInput(bytes, wantWaiter: false, out _);
        }
    }

    /// <summary>
    /// Feeds the receive FIFO from <paramref name="input"/> as the guest frees space, until the reader completes.
    /// Runs on the event loop; the guest's reads wake it when room frees up.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task PumpInputAsync(PipeReader input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            try
            {
                while (!buffer.IsEmpty)
                {
                    Task? roomFreed;
                    int accepted;
                    lock (_lock)
                    {
                        accepted = EnqueueInput(buffer.FirstSpan, wantWaiter: true, out roomFreed);
                    }

                    buffer = buffer.Slice(accepted);
                    if (roomFreed is not null)
                    {
                        await roomFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>Captures the register and FIFO state.</summary>
    public Uart16550State CaptureState()
    {
        lock (_lock)
        {
            return new Uart16550State
            {
                InterruptEnable = _ier,
                LineControl = _lcr,
                ModemControl = _mcr,
                Scratch = _scr,
                Divisor = _divisor,
                FifoControl = _fcr,
                Overrun = _overrun,
                ModemStatusDeltas = _msrDeltas,
                TransmitterEmptyPending = _thrEmptyPending,
                ReceiveFifo = _receive.ToArray(),
            };
        }
    }

    /// <summary>Restores a captured state and drives the interrupt line to match it.</summary>
    /// <exception cref="ArgumentException">The state holds more received bytes than the FIFO mode allows.</exception>
    public void RestoreState(Uart16550State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.ReceiveFifo, nameof(state));
        int capacity = (state.FifoControl & FcrEnableFifo) != 0 ? FifoCapacity : 1;
        if (state.ReceiveFifo.Length > capacity)
        {
            throw new ArgumentException($"The state holds {state.ReceiveFifo.Length} received bytes; the FIFO holds {capacity}.", nameof(state));
        }

        lock (_lock)
        {
            _ier = (byte)(state.InterruptEnable & IerMask);
            _lcr = state.LineControl;
            _mcr = (byte)(state.ModemControl & McrMask);
            _scr = state.Scratch;
            _divisor = state.Divisor;
            _fcr = (byte)(state.FifoControl & FcrStoredMask);
            _overrun = state.Overrun;
            _msrDeltas = (byte)(state.ModemStatusDeltas & 0x0F);
            _thrEmptyPending = state.TransmitterEmptyPending;
            _receive.Clear();
            foreach (byte value in state.ReceiveFifo)
            {
                _receive.TryEnqueue(value);
            }

            UpdateInterruptLine();
            WakeInputPump();
        }
    }

    private bool DivisorLatchSelected => (_lcr & LcrDivisorLatchAccess) != 0;

    private bool Loopback => (_mcr & McrLoopback) != 0;

    private int ReceiveCapacity => (_fcr & FcrEnableFifo) != 0 ? FifoCapacity : 1;

    private byte ReadRegister(int register)
    {
        switch (register)
        {
            case Data when DivisorLatchSelected:
                return (byte)_divisor;
            case Data:
                byte value = _receive.TryDequeue(out byte received) ? received : (byte)0;
                WakeInputPump();
                return value;
            case InterruptEnable when DivisorLatchSelected:
                return (byte)(_divisor >> 8);
            case InterruptEnable:
                return _ier;
            case InterruptIdentification:
                byte iir = PendingInterrupt();
                if (iir == IirTransmitterEmpty)
                {
                    _thrEmptyPending = false;
                }

                return (byte)(iir | ((_fcr & FcrEnableFifo) != 0 ? IirFifosEnabled : 0));
            case LineControl:
                return _lcr;
            case ModemControl:
                return _mcr;
            case LineStatus:
                byte lsr = (byte)(LsrTransmitterHoldingEmpty | LsrTransmitterEmpty
                    | (_receive.IsEmpty ? 0 : LsrDataReady) | (_overrun ? LsrOverrun : 0));
                _overrun = false;
                return lsr;
            case ModemStatus:
                byte msr = (byte)(ModemLines() | _msrDeltas);
                _msrDeltas = 0;
                return msr;
            default:
                return _scr;
        }
    }

    private void WriteRegister(int register, byte value)
    {
        switch (register)
        {
            case Data when DivisorLatchSelected:
                _divisor = (ushort)((_divisor & 0xFF00) | value);
                break;
            case Data:
                Transmit(value);
                break;
            case InterruptEnable when DivisorLatchSelected:
                _divisor = (ushort)((_divisor & 0x00FF) | (value << 8));
                break;
            case InterruptEnable:
                byte enabled = (byte)(value & IerMask);
                if ((enabled & ~_ier & IerTransmitterEmpty) != 0)
                {
                    // The holding register is always empty: enabling its interrupt latches it, which is what
                    // Linux's startup test (enable, read IIR, disable, enable, read IIR again) checks.
                    _thrEmptyPending = true;
                }

                _ier = enabled;
                break;
            case InterruptIdentification:
                WriteFifoControl(value);
                break;
            case LineControl:
                _lcr = value;
                break;
            case ModemControl:
                WriteModemControl(value);
                break;
            case LineStatus:
            case ModemStatus:
                break; // read-only on the 16550A
            default:
                _scr = value;
                break;
        }
    }

    private void WriteFifoControl(byte value)
    {
        bool wasEnabled = (_fcr & FcrEnableFifo) != 0;
        bool enable = (value & FcrEnableFifo) != 0;
        if (wasEnabled != enable || (value & FcrClearReceive) != 0)
        {
            _receive.Clear();
            WakeInputPump();
        }

        // The transmitter has no FIFO to clear: every byte leaves at once.
        _fcr = enable ? (byte)(value & FcrStoredMask) : (byte)0;
    }

    private void WriteModemControl(byte value)
    {
        byte before = ModemLines();
        bool wasLoopback = Loopback;
        _mcr = (byte)(value & McrMask);
        byte after = ModemLines();
        byte changed = (byte)(before ^ after);
        if ((changed & MsrClearToSend) != 0)
        {
            _msrDeltas |= MsrDeltaClearToSend;
        }

        if ((changed & MsrDataSetReady) != 0)
        {
            _msrDeltas |= MsrDeltaDataSetReady;
        }

        if ((changed & MsrDataCarrierDetect) != 0)
        {
            _msrDeltas |= MsrDeltaDataCarrierDetect;
        }

        if ((before & ~after & MsrRingIndicator) != 0)
        {
            _msrDeltas |= MsrTrailingEdgeRingIndicator;
        }

        if (wasLoopback && !Loopback)
        {
            WakeInputPump();
        }
    }

    /// <summary>The modem input lines (MSR bits 7:4): wired to MCR in loopback; otherwise carrier, data set ready and clear to send are asserted.</summary>
    private byte ModemLines()
    {
        if (!Loopback)
        {
            return MsrDataCarrierDetect | MsrDataSetReady | MsrClearToSend;
        }

        int lines = 0;
        lines |= (_mcr & McrRequestToSend) != 0 ? MsrClearToSend : 0;
        lines |= (_mcr & McrDataTerminalReady) != 0 ? MsrDataSetReady : 0;
        lines |= (_mcr & McrOut1) != 0 ? MsrRingIndicator : 0;
        lines |= (_mcr & McrOut2) != 0 ? MsrDataCarrierDetect : 0;
        return (byte)lines;
    }

    /// <summary>IIR bits 3:0 for the highest-priority enabled pending condition.</summary>
    private byte PendingInterrupt()
    {
        if ((_ier & IerLineStatus) != 0 && _overrun)
        {
            return IirLineStatus;
        }

        if ((_ier & IerReceivedData) != 0 && !_receive.IsEmpty)
        {
            bool belowTrigger = (_fcr & FcrEnableFifo) != 0 && _receive.Count < TriggerLevel(_fcr);
            return belowTrigger ? IirCharacterTimeout : IirReceivedData;
        }

        if ((_ier & IerTransmitterEmpty) != 0 && _thrEmptyPending)
        {
            return IirTransmitterEmpty;
        }

        if ((_ier & IerModemStatus) != 0 && _msrDeltas != 0)
        {
            return IirModemStatus;
        }

        return IirNoInterrupt;
    }

    private void UpdateInterruptLine()
    {
        bool level = PendingInterrupt() != IirNoInterrupt && (!_out2GatesInterrupt || (_mcr & McrOut2) != 0);
        if (level == _lineRaised)
        {
            return;
        }

        _lineRaised = level;
        if (level)
        {
            _interrupt.Raise();
        }
        else
        {
            _interrupt.Lower();
        }
    }

    /// <summary>
    /// THR write. Outside loopback the byte goes into the output pipe's buffer; the buffer is flushed once per burst
    /// instead of once per byte, because a flush is what wakes the pipe's reader (a thread-pool dispatch and, in a VMM, a
    /// write(2) to the terminal), and the guest sends console output a byte per exit.
    /// </summary>
    /// <remarks>
    /// <para>A burst is the run of THR writes the guest makes with nothing but LSR polls in between: Linux's 8250 driver
    /// polls LSR.THRE before each byte in its console path (<c>serial8250_console_putchar</c>) and the early boot code
    /// (<c>early_serial_putc</c>, the decompressor) does the same, while its interrupt path (<c>serial8250_tx_chars</c>)
    /// writes up to a FIFO's worth of bytes with no access in between. The burst ends, and what it holds is flushed, at:</para>
    /// <list type="bullet">
    /// <item>any access to another register, or a second LSR read with no THR write since the first. This is how every
    /// driver ends its writing: the interrupt handler reads IIR again before it returns (<c>serial8250_interrupt</c>
    /// loops until IIR says nothing is pending) and writes IER when the buffer is empty (<c>__stop_tx</c>); the console
    /// path restores IER after the message; a polling guest that waits for input or the next event reads LSR again. So a
    /// typed character's echo (interrupt path: IIR, LSR, THR, IER) is flushed before the handler returns.</item>
    /// <item>a newline byte, so console lines from polled writers that then leave the UART alone (early boot) appear whole
    /// and at once.</item>
    /// <item>byte 1, 2, 4, … 64 of the burst, then every 64th (the FIFO size): the first byte of any output leaves at once
    /// whatever the guest does next, a burst of n bytes costs about log2(64) + n / 64 flushes, and at most 64 bytes wait
    /// unflushed — which keeps the output bound: a flush that does not complete stops the output until the reader catches
    /// up, so the pipe never holds more than its pause threshold plus 64 bytes (exactly the threshold when that is a power
    /// of two up to 64, or a multiple of 64, from an empty pipe).</item>
    /// </list>
    /// <para>A guest that writes a partial line by polling and then leaves the UART alone (the decompressor's
    /// "Decompressing Linux... ") has the tail of that line, at most 63 bytes, flushed by its next UART access or when
    /// the pipe's writer is completed.</para>
    /// </remarks>
    private void Transmit(byte value)
    {
        _lsrPolled = false;
        if (Loopback)
        {
            if (_receive.Count >= ReceiveCapacity)
            {
                // Overrun: a full FIFO keeps its bytes and loses the new one; the single holding register is overwritten.
                _overrun = true;
                if ((_fcr & FcrEnableFifo) == 0)
                {
                    _receive.Clear();
                    _receive.TryEnqueue(value);
                }
            }
            else
            {
                _receive.TryEnqueue(value);
            }
        }
        else
        {
            SendToOutput(value);
        }

        // The byte left the holding register at once: it is empty again, and says so.
        _thrEmptyPending = true;
    }

    private void SendToOutput(byte value)
    {
        if (_output is null)
        {
            return;
        }

        if (_outputClosed || !OutputCaughtUp())
        {
            _dropped++;
            _burst = 0; // what is sent once the reader has caught up starts a new burst: its first byte leaves at once.
            return;
        }

        var span = _output.GetSpan(1);
        span[0] = value;
        _output.Advance(1);
        _unflushed++;
        _burst++;
        if (value == (byte)'\n')
        {
            EndTransmitBurst();
        }
        else if (_burst <= FifoCapacity ? BitOperations.IsPow2(_burst) : _burst % FifoCapacity == 0)
        {
            FlushOutput();
        }
    }

    /// <summary>
    /// Before a register read: the first LSR read after a THR write is the guest polling THRE between the bytes of a
    /// burst; any other read ends the burst.
    /// </summary>
    private void NoteRead(int register)
    {
        if (register == LineStatus && !_lsrPolled)
        {
            _lsrPolled = true;
            return;
        }

        EndTransmitBurst();
    }

    private void EndTransmitBurst()
    {
        _burst = 0;
        if (_unflushed != 0)
        {
            FlushOutput();
        }
    }

    private void FlushOutput()
    {
        var flush = _output!.FlushAsync(CancellationToken.None);
        if (flush.IsCompletedSuccessfully)
        {
            _outputClosed = flush.Result.IsCompleted;
        }
        else
        {
            _pendingFlush = flush.AsTask();
        }

        _transmitted += _unflushed;
        _unflushed = 0;
    }

    /// <summary>Whether the last flush has completed, i.e. the pipe is below its pause threshold again.</summary>
    private bool OutputCaughtUp()
    {
        var pending = _pendingFlush;
        if (pending is null)
        {
            return true;
        }

        if (!pending.IsCompleted)
        {
            return false;
        }

        _pendingFlush = null;
        _outputClosed = !pending.IsCompletedSuccessfully || pending.Result.IsCompleted;
        return !_outputClosed;
    }

    private int FreeInputSpace() => Loopback ? 0 : Math.Max(0, ReceiveCapacity - _receive.Count);

    private int EnqueueInput(ReadOnlySpan<byte> bytes, bool wantWaiter, out Task? roomFreed)
    {
        int accepted = Math.Min(FreeInputSpace(), bytes.Length);
        for (int i = 0; i < accepted; i++)
        {
            _receive.TryEnqueue(bytes[i]);
        }

        roomFreed = null;
        if (accepted < bytes.Length && wantWaiter)
        {
            _spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            roomFreed = _spaceWaiter.Task;
        }

        if (accepted > 0)
        {
            UpdateInterruptLine();
        }

        return accepted;
    }

    private void WakeInputPump()
    {
        if (_spaceWaiter is { } waiter && FreeInputSpace() > 0)
        {
            _spaceWaiter = null;
            waiter.TrySetResult();
        }
    }
}
