using FsCheck.Xunit;

namespace Vmm.Devices.Tests.Serial;

public sealed class Uart16550ModelTests
{
    /// <summary>
    /// Arbitrary register writes, reads and input against the reference model: every read value, the FIFO bound,
    /// the interrupt line and the transmitted bytes agree after each step.
    /// </summary>
    [Property(MaxTest = 500)]
    public bool Access_ArbitrarySequence_MatchesReferenceModel((byte Kind, byte Register, byte Value)[] steps)
    {
        var h = new UartHarness();
        var model = new UartReferenceModel();
        foreach (var (kind, rawRegister, value) in steps)
        {
            int register = rawRegister % 8;
            switch (kind % 5)
            {
                case 0:
                case 1:
                    h.Out(register, value);
                    model.Write(register, value);
                    break;
                case 2:
                case 3:
                    if (h.In(register) != model.Read(register))
                    {
                        return false;
                    }

                    break;
                default:
                    var bytes = Enumerable.Range(value, value % 80).Select(i => (byte)i).ToArray();
                    if (h.Uart.TryEnqueueInput(bytes) != model.Offer(bytes))
                    {
                        return false;
                    }

                    break;
            }

            int held = h.Uart.CaptureState().ReceiveFifo.Length;
            if (held > 64 || held != model.RxCount || h.Interrupt.IsRaised != model.Line)
            {
                return false;
            }
        }

        return h.DrainOutput().SequenceEqual(model.Transmitted);
    }

    /// <summary>IIR never reports a lower-priority source while a higher-priority enabled one is pending.</summary>
    [Property(MaxTest = 300)]
    public bool Iir_AnyState_ReportsHighestPriorityPending(byte ier, byte fcr, byte inputLength, bool overrun, bool thre)
    {
        var h = new UartHarness();
        h.Out(UartHarness.Fcr, fcr);
        if (overrun)
        {
            h.Out(UartHarness.Mcr, 0x10);
            for (int i = 0; i < 70; i++)
            {
                h.Out(UartHarness.Tx, (byte)i);
            }

            h.Out(UartHarness.Mcr, 0);
        }

        h.Out(UartHarness.Ier, 0);
        if (thre)
        {
            h.Out(UartHarness.Tx, 0x55);
        }
        else
        {
            h.Out(UartHarness.Ier, 0x02);
            h.In(UartHarness.Iir);
            h.Out(UartHarness.Ier, 0);
        }

        h.Uart.TryEnqueueInput(new byte[inputLength % 70]);
        var state = h.Uart.CaptureState();
        h.Out(UartHarness.Ier, (byte)(ier & ~0x02));
        if ((ier & 0x02) != 0)
        {
            // Enabling THRI latches THRE afresh; keep the generated latch by restoring it.
            h.Uart.RestoreState(h.Uart.CaptureState() with { InterruptEnable = ier, TransmitterEmptyPending = state.TransmitterEmptyPending });
        }

        int id = h.In(UartHarness.Iir) & 0x0F;
        bool lineStatus = (ier & 0x04) != 0 && state.Overrun;
        bool data = (ier & 0x01) != 0 && state.ReceiveFifo.Length > 0;
        bool thrEmpty = (ier & 0x02) != 0 && state.TransmitterEmptyPending;
        bool modem = (ier & 0x08) != 0 && state.ModemStatusDeltas != 0;
        return id switch
        {
            0x06 => lineStatus,
            0x04 or 0x0C => !lineStatus && data,
            0x02 => !lineStatus && !data && thrEmpty,
            0x00 => !lineStatus && !data && !thrEmpty && modem,
            0x01 => !lineStatus && !data && !thrEmpty && !modem,
            _ => false,
        };
    }
}
