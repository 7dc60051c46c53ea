using System.IO.Pipelines;
using System.Text;
using static Vmm.Devices.Tests.Serial.UartHarness;

namespace Vmm.Devices.Tests.Serial;

/// <summary>
/// The transmitter flushes the output pipe once per burst, not once per byte: how many flushes a burst costs, which
/// guest accesses end a burst (so that nothing waits), and that the output stays bounded.
/// </summary>
public sealed class Uart16550BurstFlushTests
{
    private const byte IerRdi = 0x01, IerThri = 0x02, IerRlsi = 0x04, LsrDr = 0x01;

    [Fact]
    public void Thr_BurstOf4096Bytes_FlushesFarFewerTimesAndDeliversEveryByte()
    {
        var h = new UartHarness();
        byte[] sent = Enumerable.Range(0, 4096).Select(i => (byte)('!' + (i % 90))).ToArray();

        foreach (byte b in sent)
        {
            h.Out(Tx, b);
        }

        // Bytes 1, 2, 4, … 64 of the burst, then every 64th: 7 + 63 flushes for 4096 bytes.
        Assert.Equal(70, h.Writer.Flushes);
        Assert.Equal(sent, h.ReadFlushed());
        Assert.Equal(4096, h.Uart.TransmittedBytes);
    }

    [Fact]
    public void ConsoleWrite_PrintkLines_FlushesFarFewerTimesThanBytes()
    {
        var h = new UartHarness();
        string message = string.Concat(Enumerable.Range(0, 20).Select(i => $"[    {i,2}.000000] {new string('x', 60)}\n"));

        // serial8250_console_write: save IER, disable interrupts, poll LSR before each byte, restore IER.
        byte ier = h.In(Ier);
        h.Out(Ier, 0);
        foreach (char c in message.Replace("\n", "\r\n", StringComparison.Ordinal))
        {
            h.In(Lsr);
            h.Out(Tx, (byte)c);
        }

        h.In(Lsr);
        h.Out(Ier, ier);

        string expected = message.Replace("\n", "\r\n", StringComparison.Ordinal);
        Assert.Equal(expected, Encoding.ASCII.GetString(h.ReadFlushed()));
        Assert.InRange(h.Writer.Flushes, 1, expected.Length / 8);
    }

    [Fact]
    public void InterruptDrivenTransmit_OneEchoedCharacter_IsFlushedAtOnce()
    {
        var h = Opened();
        h.Out(Ier, IerRlsi | IerRdi | IerThri); // serial8250_start_tx
        Assert.True(h.Interrupt.IsRaised);
        h.In(Iir);
        h.In(Lsr);

        h.Out(Tx, (byte)'x');

        Assert.Equal("x"u8.ToArray(), h.ReadFlushed());
    }

    [Fact]
    public void InterruptDrivenTransmit_HandlerReadsIirAgain_FlushesTheBurst()
    {
        var h = Opened();
        h.Out(Ier, IerRlsi | IerRdi | IerThri);
        h.In(Iir);
        h.In(Lsr);
        for (int i = 0; i < 50; i++)
        {
            h.Out(Tx, (byte)'#');
        }

        h.In(Iir); // serial8250_interrupt: is anything else pending?

        Assert.Equal(50, h.ReadFlushed().Length);
        Assert.Equal(50, h.Uart.TransmittedBytes);
    }

    [Fact]
    public void PolledWrite_GuestThenPollsForInput_FlushesTheTail()
    {
        var h = new UartHarness();
        foreach (byte b in "login: "u8)
        {
            h.In(Lsr);
            h.Out(Tx, b);
        }

        // A polling guest waiting for a key: LSR, LSR, … until DR.
        Assert.Equal(0, h.In(Lsr) & LsrDr);
        Assert.Equal(0, h.In(Lsr) & LsrDr);

        Assert.Equal("login: "u8.ToArray(), h.ReadFlushed());
    }

    [Fact]
    public void Thr_Newline_FlushesTheLine()
    {
        var h = new UartHarness();
        foreach (byte b in "Decompressing Linux... done.\n"u8)
        {
            h.Out(Tx, b);
        }

        Assert.Equal("Decompressing Linux... done.\n"u8.ToArray(), h.ReadFlushed());
    }

    [Fact]
    public void Thr_LongBurst_HoldsAtMost64UnflushedBytes()
    {
        var h = new UartHarness();
        for (int i = 0; i < 1000; i++)
        {
            h.Out(Tx, (byte)'y');
            Assert.InRange(h.Writer.UnflushedBytes, 0, 64);
        }

        Assert.Equal(1000, h.DrainOutput().Length);
    }

    [Fact]
    public void Output_ReaderBehind_PipeHoldsAtMostItsThresholdPlus64()
    {
        var h = new UartHarness(pipeOptions: new PipeOptions(pauseWriterThreshold: 1000, resumeWriterThreshold: 500));
        for (int i = 0; i < 5000; i++)
        {
            h.Out(Tx, (byte)'z');
        }

        Assert.InRange(h.Uart.TransmittedBytes, 1000, 1000 + 64);
        Assert.Equal(5000, h.Uart.TransmittedBytes + h.Uart.DroppedOutputBytes);
        Assert.Equal(h.Uart.TransmittedBytes, h.DrainOutput().Length);
    }
}
