namespace Vmm.Devices.Legacy;

/// <summary>
/// The fixed hardware a hardware-reduced ACPI machine describes in its FADT: an 8-bit sleep control
/// register, an 8-bit sleep status register and an 8-bit reset register, at three consecutive I/O
/// ports. A guest powers off by writing <c>SLP_TYPx &lt;&lt; 2 | SLP_EN</c> with the <c>\_S5_</c> sleep
/// type to the control register, and resets by writing the reset value to the reset register.
/// </summary>
/// <remarks>Register as one device of <see cref="PortCount"/> ports; offsets 0, 1, 2 are control, status, reset.</remarks>
public sealed class AcpiSleepControl : IPioDevice
{
    /// <summary>The number of ports the device covers.</summary>
    public const int PortCount = 3;

    /// <summary>SLP_EN: the bit that starts the transition to the sleep state in SLP_TYPx.</summary>
    public const byte SleepEnable = 0x20;

    /// <summary>WAK_STS: set in the status register once the machine has woken (always set here: it never sleeps).</summary>
    public const byte WakeStatus = 0x80;

    private const int ControlOffset = 0;
    private const int StatusOffset = 1;
    private const int ResetOffset = 2;

    private readonly byte _s5SleepType;
    private readonly byte _resetValue;
    private int _signalled;

    /// <summary>Creates the device for the <c>\_S5_</c> sleep type and reset value the ACPI tables announce.</summary>
    public AcpiSleepControl(byte s5SleepType = 5, byte resetValue = 0x01)
    {
        if (s5SleepType > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(s5SleepType), s5SleepType, "SLP_TYPx is a 3-bit field.");
        }

        _s5SleepType = s5SleepType;
        _resetValue = resetValue;
    }

    /// <summary>Raised once, on the vCPU thread, when the guest enters S5 (soft off).</summary>
    public event EventHandler? PowerOffRequested;

    /// <summary>Raised once, on the vCPU thread, when the guest writes the reset value to the reset register.</summary>
    public event EventHandler? ResetRequested;

    /// <inheritdoc/>
    public void Read(ushort offset, Span<byte> data)
    {
        data.Clear();
        if (offset == StatusOffset && data.Length >= 1)
        {
            data[0] = WakeStatus;
        }
    }

    /// <inheritdoc/>
    public void Write(ushort offset, ReadOnlySpan<byte> data)
    {
        if (data.Length != 1)
        {
            return;
        }

        byte value = data[0];
        switch (offset)
        {
            case ControlOffset when (value & SleepEnable) != 0 && ((value >> 2) & 0x7) == _s5SleepType:
                Signal(PowerOffRequested);
                break;
            case ResetOffset when value == _resetValue:
                Signal(ResetRequested);
                break;
        }
    }

    private void Signal(EventHandler? handler)
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            handler?.Invoke(this, EventArgs.Empty);
        }
    }
}
