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
        Uart = new Uart16550(Interrupt, Pipe.Writer, out2GatesInterrupt);
    }

    public Pipe Pipe { get; }

    public InterruptRecorder Interrupt { get; } = new();

    public Uart16550 Uart { get; }

    public byte In(int register)
    {
        Span<byte> data = stackalloc byte[1];
        Uart.Read((ushort)register, data);
        return data[0];
    }

    public void Out(int register, byte value) => Uart.Write((ushort)register, [value]);

    /// <summary>Everything flushed to the pipe so far.</summary>
    public byte[] DrainOutput()
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
