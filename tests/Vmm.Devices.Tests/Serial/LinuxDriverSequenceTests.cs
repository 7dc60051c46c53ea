using System.Text;
using static Vmm.Devices.Tests.Serial.UartHarness;

namespace Vmm.Devices.Tests.Serial;

/// <summary>
/// Drives the UART with the register sequences of Linux 6.1's 8250 driver (drivers/tty/serial/8250/8250_port.c):
/// autoconfig() at probe, serial8250_do_startup() when the tty opens, the console write path and the
/// interrupt-driven transmit and receive paths, checking each decision the driver makes and the bytes that reach the pipe.
/// </summary>
public sealed class LinuxDriverSequenceTests
{
    private const byte LsrDr = 0x01, LsrThre = 0x20, LsrTemt = 0x40, BothEmpty = LsrThre | LsrTemt;
    private const byte IirNoInt = 0x01, IerRdi = 0x01, IerThri = 0x02, IerRlsi = 0x04;
    private const byte McrDtr = 0x01, McrRts = 0x02, McrOut2 = 0x08, McrLoop = 0x10;

    [Fact]
    public void Autoconfig_AsLinuxProbes_DetectsA16550A()
    {
        var h = new UartHarness();

        // IER test: the driver decides whether anything is there.
        byte scratch = h.In(Ier);
        h.Out(Ier, 0);
        byte scratch2 = (byte)(h.In(Ier) & 0x0F);
        h.Out(Ier, 0x0F);
        byte scratch3 = (byte)(h.In(Ier) & 0x0F);
        h.Out(Ier, scratch);
        Assert.Equal(0, scratch2);
        Assert.Equal(0x0F, scratch3);

        byte saveMcr = h.In(Mcr);
        byte saveLcr = h.In(Lcr);

        // Loopback check: RTS and OUT2 must come back as CTS and DCD.
        h.Out(Mcr, McrLoop | 0x0A);
        byte status1 = (byte)(h.In(Msr) & 0xF0);
        h.Out(Mcr, saveMcr);
        Assert.Equal(0x90, status1);

        // EFR probe (a 16550A has none: the write lands in FCR), then FIFO detection through IIR bits 7:6.
        h.Out(Lcr, 0xBF);
        h.Out(Efr, 0);
        h.Out(Lcr, 0);
        h.Out(Fcr, 0x01);
        byte fifoBits = (byte)(h.In(Iir) >> 6);
        Assert.Equal(3, fifoBits); // autoconfig_16550a

        h.Out(Lcr, saveLcr);
        h.Out(Mcr, saveMcr);
        ClearFifos(h);
        h.In(Rx);
        h.Out(Ier, 0);
    }

    [Fact]
    public void Autoconfig_16550AVariantsProbe_DetectsNoVariantAndSizesFifoAt64()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0x01);

        // EFR at LCR 0x80 and 0xBF reads IIR on a 16550A: never zero with FIFOs on.
        h.Out(Lcr, 0x80);
        Assert.NotEqual(0, h.In(Efr));
        h.Out(Lcr, 0xBF);
        Assert.NotEqual(0, h.In(Efr));
        h.Out(Lcr, 0);

        // 16750 test: FCR bit 5 must not show in IIR.
        h.Out(Fcr, 0x01 | 0x20);
        int status1 = h.In(Iir) >> 5;
        h.Out(Fcr, 0x01);
        h.Out(Lcr, 0x80);
        h.Out(Fcr, 0x01 | 0x20);
        int status2 = h.In(Iir) >> 5;
        h.Out(Fcr, 0x01);
        h.Out(Lcr, 0);
        Assert.Equal(6, status1);
        Assert.NotEqual(7, status2);

        // XScale test: IER bit 6 must not stick.
        byte iersave = h.In(Ier);
        h.Out(Ier, (byte)(iersave | 0x40));
        Assert.Equal(0, h.In(Ier) & 0x40);
        h.Out(Ier, iersave);

        Assert.Equal(64, SizeFifo(h));
    }

    [Fact]
    public void Startup_AsLinuxOpensTheTty_PassesThreTestsAndEnablesRx()
    {
        var h = new UartHarness();
        ClearFifos(h);
        h.In(Lsr);
        h.In(Rx);
        h.In(Iir);
        h.In(Msr);
        Assert.NotEqual(0xFF, h.In(Lsr)); // "LSR safety check engaged!"

        // THRE re-assertion test: a UART that does not re-raise THRE gets UART_BUG_THRE.
        WaitForXmitr(h, LsrThre);
        h.Out(Ier, IerThri);
        byte iir1 = h.In(Iir);
        h.Out(Ier, 0);
        h.Out(Ier, IerThri);
        byte iir = h.In(Iir);
        h.Out(Ier, 0);
        bool bugThre = (iir1 & IirNoInt) == 0 && (iir & IirNoInt) != 0;
        Assert.False(bugThre);

        h.Out(Lcr, 0x03);
        h.Out(Mcr, McrDtr | McrRts | McrOut2); // serial8250_set_mctrl with TIOCM_OUT2

        // TXEN test: enabling THRI must produce an interrupt at once.
        h.Out(Ier, IerThri);
        byte lsr = h.In(Lsr);
        iir = h.In(Iir);
        h.Out(Ier, 0);
        bool bugTxen = (lsr & LsrTemt) != 0 && (iir & IirNoInt) != 0;
        Assert.False(bugTxen);

        h.In(Lsr);
        h.In(Rx);
        h.In(Iir);
        h.In(Msr);
        h.Out(Ier, IerRlsi | IerRdi);
        Assert.False(h.Interrupt.IsRaised);

        // serial8250_do_set_termios: 115200 8N1, FIFO with an 8-byte trigger.
        h.Out(Lcr, 0x83);
        h.Out(Dll, 1);
        h.Out(Dlm, 0);
        h.Out(Lcr, 0x03);
        h.Out(Fcr, 0x81);
        Assert.Equal(0xC1, h.In(Iir));
    }

    [Fact]
    public void ConsoleWrite_AsPrintkDoes_BytesReachThePipe()
    {
        var h = new UartHarness();
        const string message = "Linux version 6.1.0 (console)\n";

        // serial8250_console_write: save IER, disable interrupts, poll and write each byte, restore IER.
        byte ier = h.In(Ier);
        h.Out(Ier, 0);
        foreach (char c in message)
        {
            if (c == '\n')
            {
                WaitForXmitr(h, BothEmpty);
                h.Out(Tx, (byte)'\r');
            }

            WaitForXmitr(h, BothEmpty);
            h.Out(Tx, (byte)c);
        }

        WaitForXmitr(h, BothEmpty);
        h.Out(Ier, ier);

        Assert.Equal(message.Replace("\n", "\r\n", StringComparison.Ordinal), Encoding.ASCII.GetString(h.DrainOutput()));
    }

    [Fact]
    public void InterruptDrivenTransmit_AsTtyWriteDoes_SendsAllBytesAndStopsInterrupts()
    {
        var h = Opened();
        var pending = new Queue<byte>(Encoding.ASCII.GetBytes("login: root\r\n" + new string('#', 100)));
        int fifoSize = 64;

        // serial8250_start_tx: enable THRI; the UART interrupts at once.
        h.Out(Ier, IerRlsi | IerRdi | IerThri);
        int interrupts = 0;
        while (h.Interrupt.IsRaised)
        {
            interrupts++;
            Assert.True(interrupts < 100, "interrupt storm");

            // serial8250_handle_irq: one condition per IIR read.
            byte iir = h.In(Iir);
            Assert.Equal(0x02, iir & 0x0F);
            byte lsr = h.In(Lsr);
            Assert.NotEqual(0, lsr & LsrThre);
            for (int count = fifoSize; count > 0 && pending.Count > 0; count--)
            {
                h.Out(Tx, pending.Dequeue());
            }

            if (pending.Count == 0)
            {
                h.Out(Ier, IerRlsi | IerRdi); // __stop_tx
            }
        }

        Assert.Empty(pending);
        Assert.Equal(113, h.DrainOutput().Length);
        Assert.Equal(2, interrupts);
    }

    [Fact]
    public void InterruptDrivenReceive_AsRxCharsDoes_ReadsEveryByte()
    {
        var h = Opened();
        h.Out(Ier, IerRlsi | IerRdi);
        byte[] typed = Encoding.ASCII.GetBytes("echo hi\r");

        Assert.Equal(typed.Length, h.Uart.TryEnqueueInput(typed));
        Assert.True(h.Interrupt.IsRaised);
        byte iir = h.In(Iir);
        Assert.Equal(0x04, iir & 0x0F); // at the 8-byte trigger level
        var received = new List<byte>();
        byte lsr = h.In(Lsr);
        while ((lsr & LsrDr) != 0)
        {
            received.Add(h.In(Rx));
            lsr = h.In(Lsr);
        }

        Assert.Equal(typed, received.ToArray());
        Assert.Equal(0x01, h.In(Iir) & 0x0F);
        Assert.False(h.Interrupt.IsRaised);
    }

    private static void ClearFifos(UartHarness h)
    {
        h.Out(Fcr, 0x01);
        h.Out(Fcr, 0x07);
        h.Out(Fcr, 0);
    }

    /// <summary>wait_for_xmitr: polls LSR, bounded like the driver's 10 ms loop.</summary>
    private static void WaitForXmitr(UartHarness h, byte bits)
    {
        for (int tries = 0; tries < 10_000; tries++)
        {
            if ((h.In(Lsr) & bits) == bits)
            {
                return;
            }
        }

        Assert.Fail("transmitter never became empty");
    }

    /// <summary>size_fifo(): loopback at divisor 1, write 256 bytes, count what comes back.</summary>
    private static int SizeFifo(UartHarness h)
    {
        byte oldLcr = h.In(Lcr);
        h.Out(Lcr, 0);
        byte oldMcr = h.In(Mcr);
        h.Out(Fcr, 0x07);
        h.Out(Mcr, McrLoop);
        h.Out(Lcr, 0x80);
        h.Out(Dll, 1);
        h.Out(Dlm, 0);
        h.Out(Lcr, 0x03);
        for (int i = 0; i < 256; i++)
        {
            h.Out(Tx, (byte)i);
        }

        int count = 0;
        while ((h.In(Lsr) & LsrDr) != 0 && count < 256)
        {
            Assert.Equal(count, h.In(Rx));
            count++;
        }

        h.Out(Fcr, 0x01);
        h.Out(Mcr, oldMcr);
        h.Out(Lcr, oldLcr);
        Assert.Empty(h.DrainOutput());
        return count;
    }
}
