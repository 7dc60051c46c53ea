namespace Vmm.Devices.Legacy;

/// <summary>
/// The PC's i8042 keyboard controller, to the extent a Linux guest needs to probe it quickly and to reboot
/// through it: the status/command port and the data port, the controller self-tests, the command byte,
/// the output port, a keyboard that acknowledges commands, an absent mouse, and the CPU-reset pulse.
/// </summary>
/// <remarks>
/// <para>Registration: one range of <see cref="PortCount"/> ports at <see cref="DefaultBasePort"/> (0x60–0x64):
/// offset 0 is the data port 0x60 and offset 4 the status/command port 0x64. Offsets 1–3 (ports 0x61–0x63, which
/// belong to other PC devices) read as zero and ignore writes; with KVM's in-kernel PIT, port 0x61 never exits.</para>
/// <para>Every controller command that answers does so at once, so Linux's i8042 driver never waits for its
/// 500 ms command timeout. The keyboard answers 0xFA to every command (0xFA 0xAA to reset, 0xFA 0xAB 0x83 to
/// identify, 0xEE to echo); bytes sent to the mouse get 0xFE with the timeout flag, as from an empty PS/2 port.</para>
/// <para>Commands 0xF0–0xFF with bit 0 clear pulse the CPU reset line (0xFE is what Linux's <c>reboot=k</c> and
/// the default x86 reboot path use): <see cref="ResetRequested"/> is raised and <see cref="IsResetRequested"/> stays set,
/// for the VMM to stop the VM cleanly.</para>
/// </remarks>
public sealed class I8042Controller : IPioDevice
{
    /// <summary>The first port of the range the controller decodes.</summary>
    public const ushort DefaultBasePort = 0x60;

    /// <summary>How many ports the controller's range covers (0x60–0x64).</summary>
    public const int PortCount = 5;

    /// <summary>The command byte after reset: keyboard interrupt on, system flag set, translation on.</summary>
    public const byte DefaultCommandByte = 0x45;

    /// <summary>The output port after reset: reset line high (inactive), A20 enabled.</summary>
    public const byte DefaultOutputPort = 0x03;

    private const int DataOffset = 0;
    private const int CommandOffset = 4;
    private const int OutputBufferCapacity = 16;

    private const byte StatusOutputFull = 0x01;
    private const byte StatusSystemFlag = 0x04;
    private const byte StatusCommand = 0x08;
    private const byte StatusUnlocked = 0x10;
    private const byte StatusAuxData = 0x20;
    private const byte StatusTimeout = 0x40;

    private const byte CommandByteKeyboardInterrupt = 0x01;
    private const byte CommandByteAuxInterrupt = 0x02;
    private const byte CommandByteSystemFlag = 0x04;
    private const byte CommandByteKeyboardDisabled = 0x10;
    private const byte CommandByteAuxDisabled = 0x20;

    private readonly Lock _lock = new();
    private readonly IInterruptLine? _keyboardInterrupt;
    private readonly IInterruptLine? _auxInterrupt;
    private readonly BoundedByteQueue _output = new(OutputBufferCapacity);
    private readonly bool[] _fromAux = new bool[OutputBufferCapacity];
    private int _auxHead;

    private byte _commandByte = DefaultCommandByte;
    private byte _outputPort = DefaultOutputPort;
    private byte _pendingCommand;
    private bool _lastWriteWasCommand;
    private bool _keyboardExpectsParameter;
    private bool _auxTimeout;
    private int _resetRequested;

    /// <summary>Creates a controller in its reset state.</summary>
    /// <param name="keyboardInterrupt">IRQ 1, pulsed when a byte reaches the output buffer with keyboard interrupts on; <see langword="null"/> for none.</param>
    /// <param name="auxInterrupt">IRQ 12, pulsed for mouse-port bytes with aux interrupts on; <see langword="null"/> for none.</param>
    public I8042Controller(IInterruptLine? keyboardInterrupt = null, IInterruptLine? auxInterrupt = null)
    {
        _keyboardInterrupt = keyboardInterrupt;
        _auxInterrupt = auxInterrupt;
    }

    /// <summary>Raised (on the vCPU thread, outside the device lock) when the guest pulses the CPU reset line.</summary>
    public event EventHandler? ResetRequested;

    /// <summary>Whether the guest has pulsed the CPU reset line since creation.</summary>
    public bool IsResetRequested => Volatile.Read(ref _resetRequested) != 0;

    /// <inheritdoc/>
    public void Read(ushort offset, Span<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            data[0] = offset switch
            {
                DataOffset => ReadData(),
                CommandOffset => Status(),
                _ => 0,
            };
        }

        data[1..].Clear();
    }

    /// <inheritdoc/>
    public void Write(ushort offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        bool reset = false;
        lock (_lock)
        {
            if (offset == DataOffset)
            {
                WriteData(data[0]);
            }
            else if (offset == CommandOffset)
            {
                reset = WriteCommand(data[0]);
            }
        }

        if (reset && Interlocked.Exchange(ref _resetRequested, 1) == 0)
        {
            ResetRequested?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Captures the controller state.</summary>
    public I8042State CaptureState()
    {
        lock (_lock)
        {
            var fromAux = new bool[_output.Count];
            for (int i = 0; i < fromAux.Length; i++)
            {
                fromAux[i] = _fromAux[(_auxHead + i) % OutputBufferCapacity];
            }

            return new I8042State
            {
                CommandByte = _commandByte,
                OutputPort = _outputPort,
                PendingCommand = _pendingCommand,
                LastWriteWasCommand = _lastWriteWasCommand,
                KeyboardExpectsParameter = _keyboardExpectsParameter,
                OutputBuffer = _output.ToArray(),
                OutputFromAux = fromAux,
            };
        }
    }

    /// <summary>Restores a captured state.</summary>
    /// <exception cref="ArgumentException">The output buffer is longer than 16 bytes or its aux flags do not match it.</exception>
    public void RestoreState(I8042State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.OutputBuffer is null || state.OutputFromAux is null
            || state.OutputBuffer.Length > OutputBufferCapacity || state.OutputFromAux.Length != state.OutputBuffer.Length)
        {
            throw new ArgumentException($"The output buffer must hold at most {OutputBufferCapacity} bytes, each with an aux flag.", nameof(state));
        }

        lock (_lock)
        {
            _commandByte = state.CommandByte;
            _outputPort = state.OutputPort;
            _pendingCommand = state.PendingCommand;
            _lastWriteWasCommand = state.LastWriteWasCommand;
            _keyboardExpectsParameter = state.KeyboardExpectsParameter;
            _output.Clear();
            _auxHead = 0;
            for (int i = 0; i < state.OutputBuffer.Length; i++)
            {
                _output.TryEnqueue(state.OutputBuffer[i]);
                _fromAux[i] = state.OutputFromAux[i];
            }
        }
    }

    private byte Status()
    {
        int status = StatusUnlocked;
        status |= (_commandByte & CommandByteSystemFlag) != 0 ? StatusSystemFlag : 0;
        status |= _lastWriteWasCommand ? StatusCommand : 0;
        if (!_output.IsEmpty)
        {
            status |= StatusOutputFull;
            if (_fromAux[_auxHead])
            {
                status |= StatusAuxData | (_auxTimeout ? StatusTimeout : 0);
            }
        }

        return (byte)status;
    }

    private byte ReadData()
    {
        if (!_output.TryDequeue(out byte value))
        {
            return 0;
        }

        _auxHead = (_auxHead + 1) % OutputBufferCapacity;
        if (_output.IsEmpty)
        {
            _auxTimeout = false;
        }
        else
        {
            SignalHead();
        }

        return value;
    }

    private bool WriteCommand(byte command)
    {
        _lastWriteWasCommand = true;
        _pendingCommand = 0;
        switch (command)
        {
            case 0x20: // read command byte
                Respond(_commandByte);
                break;
            case 0x60: // write command byte
            case 0xD1: // write output port
            case 0xD2: // write keyboard output buffer
            case 0xD3: // write aux output buffer
            case 0xD4: // write to aux device
                _pendingCommand = command;
                break;
            case 0xA7:
                _commandByte |= CommandByteAuxDisabled;
                break;
            case 0xA8:
                _commandByte = (byte)(_commandByte & ~CommandByteAuxDisabled);
                break;
            case 0xA9: // aux interface test: no error
            case 0xAB: // keyboard interface test: no error
                Respond(0x00);
                break;
            case 0xAA: // controller self-test
                _commandByte |= CommandByteSystemFlag;
                Respond(0x55);
                break;
            case 0xAD:
                _commandByte |= CommandByteKeyboardDisabled;
                break;
            case 0xAE:
                _commandByte = (byte)(_commandByte & ~CommandByteKeyboardDisabled);
                break;
            case 0xC0: // read input port: keyboard not inhibited
                Respond(0x80);
                break;
            case 0xD0: // read output port
                Respond(_outputPort);
                break;
            case >= 0xF0 when (command & 0x01) == 0: // pulse output lines; bit 0 is CPU reset
                return true;
            default:
                break; // unknown or no-op commands are ignored, as a real controller does
        }

        return false;
    }

    private void WriteData(byte value)
    {
        _lastWriteWasCommand = false;
        byte command = _pendingCommand;
        _pendingCommand = 0;
        switch (command)
        {
            case 0x60:
                _commandByte = value;
                break;
            case 0xD1:
                _outputPort = value;
                break;
            case 0xD2:
                Respond(value);
                break;
            case 0xD3:
                Respond(value, fromAux: true);
                break;
            case 0xD4:
                // No mouse: the byte times out, as on an empty PS/2 port.
                Respond(0xFE, fromAux: true, timeout: true);
                break;
            default:
                KeyboardCommand(value);
                break;
        }
    }

    private void KeyboardCommand(byte value)
    {
        if (_keyboardExpectsParameter)
        {
            _keyboardExpectsParameter = false;
            Respond(0xFA);
            return;
        }

        switch (value)
        {
            case 0xFF: // reset: acknowledge, then basic assurance test passed
                Respond(0xFA);
                Respond(0xAA);
                break;
            case 0xF2: // identify: an MF2 keyboard
                Respond(0xFA);
                Respond(0xAB);
                Respond(0x83);
                break;
            case 0xEE:
                Respond(0xEE);
                break;
            case 0xED: // set LEDs
            case 0xF0: // scan code set
            case 0xF3: // typematic rate
                _keyboardExpectsParameter = true;
                Respond(0xFA);
                break;
            default:
                Respond(0xFA);
                break;
        }
    }

    private void Respond(byte value, bool fromAux = false, bool timeout = false)
    {
        bool wasEmpty = _output.IsEmpty;
        if (!_output.TryEnqueue(value))
        {
            return; // a guest that never reads gets no more than the buffer holds
        }

        _fromAux[(_auxHead + _output.Count - 1) % OutputBufferCapacity] = fromAux;
        _auxTimeout |= timeout;
        if (wasEmpty)
        {
            SignalHead();
        }
    }

    private void SignalHead()
    {
        if (_fromAux[_auxHead])
        {
            if ((_commandByte & CommandByteAuxInterrupt) != 0)
            {
                _auxInterrupt?.Pulse();
            }
        }
        else if ((_commandByte & CommandByteKeyboardInterrupt) != 0)
        {
            _keyboardInterrupt?.Pulse();
        }
    }
}
