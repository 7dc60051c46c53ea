namespace Vmm.Devices.Serial;

/// <summary>Everything a <see cref="Uart16550"/> needs to resume where it was: plain data, serialisable as is.</summary>
public sealed record Uart16550State
{
    /// <summary>IER (low four bits).</summary>
    public byte InterruptEnable { get; init; }

    /// <summary>LCR, including the divisor-latch access bit.</summary>
    public byte LineControl { get; init; }

    /// <summary>MCR (low five bits).</summary>
    public byte ModemControl { get; init; }

    /// <summary>The scratch register.</summary>
    public byte Scratch { get; init; }

    /// <summary>The divisor latch, DLM:DLL.</summary>
    public ushort Divisor { get; init; } = Uart16550.DefaultDivisor;

    /// <summary>The FIFO control bits that persist: enable, DMA mode, receive trigger level.</summary>
    public byte FifoControl { get; init; }

    /// <summary>Whether LSR reports an overrun not yet read.</summary>
    public bool Overrun { get; init; }

    /// <summary>The MSR delta bits (low nibble) not yet read.</summary>
    public byte ModemStatusDeltas { get; init; }

    /// <summary>Whether the transmitter-holding-register-empty interrupt is latched.</summary>
    public bool TransmitterEmptyPending { get; init; }

    /// <summary>The bytes waiting in the receive FIFO, oldest first (at most 64, at most 1 with the FIFO disabled).</summary>
    public byte[] ReceiveFifo { get; init; } = [];
}
