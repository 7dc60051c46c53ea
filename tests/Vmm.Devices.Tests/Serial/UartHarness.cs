using System.Buffers;
using System.IO.Pipelines;
using Vmm.Devices.Serial;
using Vmm.Devices.Testing;

namespace Vmm.Devices.Tests.Serial;

/// <summary>A UART wired to a recorder and an output pipe, with the register names of Linux's serial_reg.h.</summary>
internal sealed class UartHarness
{
    public const int Rx = 0, Tx = 0, Dll = 0, Ier = 1, Dlm = 1, Iir = 2, Fcr = 2, Efr = 2, Lcr = 3, Mcr = 4, Lsr = 5, Msr = 6, Scr = 7;

    public UartHarness(bool out2GatesInterrupt = true, PipeOptions? pipeOptions = null)
    {
        Pipe = new Pipe(pipeOptions ?? PipeOptions.Default);
        Writer = new CountingPipeWriter(Pipe.Writer);
        Uart = new Uart16550(Interrupt, Writer, out2GatesInterrupt);
    }

    public Pipe Pipe { get; }

    /// <summary>The UART's output: the pipe's writer, with its flushes counted.</summary>
    public CountingPipeWriter Writer { get; }

    public InterruptRecorder Interrupt { get; } = new();

    public Uart16550 Uart { get; }

    /// <summary>A UART as serial8250_do_startup leaves it: 8N1, DTR, RTS and OUT2 set, FIFOs on with an 8-byte trigger.</summary>
    public static UartHarness Opened()
    {
        var h = new UartHarness();
        h.Out(Lcr, 0x03);
        h.Out(Mcr, 0x0B);
        h.Out(Fcr, 0x81);
        return h;
    }

    public byte In(int register)
    {
        Span<byte> data = stackalloc byte[1];
        Uart.Read((ushort)register, data);
        return data[0];
    }

    public void Out(int register, byte value) => Uart.Write((ushort)register, [value]);

    /// <summary>
    /// Everything the UART has sent so far: first a scratch-register read, an access without side effects that ends the
    /// guest's transmit burst as its next register access would (so bytes the UART still batches are flushed), then
    /// <see cref="ReadFlushed"/>.
    /// </summary>
    public byte[] DrainOutput()
    {
        In(Scr);
        return ReadFlushed();
    }

    /// <summary>What has been flushed to the pipe so far, without touching the UART.</summary>
    public byte[] ReadFlushed()
    {
        if (!Pipe.Reader.TryRead(out var result))
        {
            return [];
        }

        var bytes = result.Buffer.ToArray();
        Pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }
}
