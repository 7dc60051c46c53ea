using System.IO.Pipelines;
using System.Text;
using Vmm.Devices.Serial;
using static Vmm.Devices.Tests.Serial.UartHarness;

namespace Vmm.Devices.Tests.Serial;

public sealed class Uart16550Tests
{
    [Fact]
    public void Reset_Registers_HaveDatasheetValues()
    {
        var h = new UartHarness();

        Assert.Equal(0, h.In(Ier));
        Assert.Equal(0x01, h.In(Iir));
        Assert.Equal(0x60, h.In(Lsr));
        Assert.Equal(0xB0, h.In(Msr));
        h.Out(Lcr, 0x80);
        Assert.Equal(12, h.In(Dll));
        Assert.Equal(0, h.In(Dlm));
    }

    [Fact]
    public void DivisorLatch_WithDlab_IsSeparateFromDataAndIer()
    {
        var h = new UartHarness();
        h.Out(Lcr, 0x83);
        h.Out(Dll, 0x01);
        h.Out(Dlm, 0x02);
        h.Out(Lcr, 0x03);
        h.Out(Ier, 0x05);

        Assert.Equal(0x05, h.In(Ier));
        Assert.Empty(h.DrainOutput());
        h.Out(Lcr, 0x83);
        Assert.Equal(0x01, h.In(Dll));
        Assert.Equal(0x02, h.In(Dlm));
        Assert.Equal(0x0201, h.Uart.CaptureState().Divisor);
    }

    [Fact]
    public void Ier_UpperBits_ReadAsZero()
    {
        var h = new UartHarness();
        h.Out(Ier, 0xFF);

        Assert.Equal(0x0F, h.In(Ier));
    }

    [Fact]
    public void Thr_Write_ReachesPipe()
    {
        var h = new UartHarness();
        foreach (byte b in "hello\n"u8)
        {
            h.Out(Tx, b);
        }

        Assert.Equal("hello\n"u8.ToArray(), h.DrainOutput());
        Assert.Equal(6, h.Uart.TransmittedBytes);
    }

    [Fact]
    public void TryEnqueueInput_BeyondFifo_IsRefused()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0x01);

        Assert.Equal(64, h.Uart.TryEnqueueInput(new byte[100]));
        Assert.Equal(0, h.Uart.TryEnqueueInput([1]));
        Assert.Equal(0, h.Uart.InputSpace);
        h.In(Rx);
        Assert.Equal(1, h.Uart.TryEnqueueInput([1, 2, 3]));
    }

    [Fact]
    public void TryEnqueueInput_FifoDisabled_HoldsOneByte()
    {
        var h = new UartHarness();

        Assert.Equal(1, h.Uart.TryEnqueueInput([7, 8]));
        Assert.Equal(7, h.In(Rx));
        Assert.Equal(0x60, h.In(Lsr));
    }

    [Fact]
    public void Fcr_ClearReceive_EmptiesFifo()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0x01);
        h.Uart.TryEnqueueInput("abc"u8);

        h.Out(Fcr, 0x03);

        Assert.Equal(0, h.In(Lsr) & 0x01);
        Assert.Equal(64, h.Uart.InputSpace);
    }

    [Fact]
    public void Iir_ReceivedDataAndThre_ReportsDataFirstThenThre()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0x01);
        h.Out(Ier, 0x03);
        h.Uart.TryEnqueueInput("x"u8);

        Assert.Equal(0xC4, h.In(Iir));
        Assert.Equal((byte)'x', h.In(Rx));
        Assert.Equal(0xC2, h.In(Iir));
        Assert.Equal(0xC1, h.In(Iir));
    }

    [Fact]
    public void Iir_BelowTriggerLevel_ReportsCharacterTimeout()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0x81); // trigger at 8 bytes
        h.Out(Ier, 0x01);
        h.Uart.TryEnqueueInput("abc"u8);
        Assert.Equal(0xCC, h.In(Iir));

        h.Uart.TryEnqueueInput("defgh"u8);
        Assert.Equal(0xC4, h.In(Iir));
    }

    [Fact]
    public void Iir_Overrun_HasPriorityUntilLsrRead()
    {
        var h = new UartHarness();
        h.Out(Mcr, 0x10); // loopback, FIFO disabled: one holding byte
        h.Out(Ier, 0x0F);
        h.Out(Tx, 1);
        h.Out(Tx, 2);

        Assert.Equal(0x06, h.In(Iir));
        Assert.Equal(0x63, h.In(Lsr));
        Assert.Equal(0x04, h.In(Iir));
        Assert.Equal(2, h.In(Rx));
    }

    [Fact]
    public void Thre_IirReadClearsIt_IerReenableRelatches()
    {
        var h = new UartHarness();
        h.Out(Ier, 0x02);
        Assert.Equal(0x02, h.In(Iir));
        Assert.Equal(0x01, h.In(Iir));

        h.Out(Ier, 0x00);
        h.Out(Ier, 0x02);

        Assert.Equal(0x02, h.In(Iir));
    }

    [Fact]
    public void Thre_ThrWrite_RelatchesAfterIirCleared()
    {
        var h = new UartHarness();
        h.Out(Ier, 0x02);
        h.In(Iir);

        h.Out(Tx, (byte)'a');

        Assert.Equal(0x02, h.In(Iir));
    }

    [Fact]
    public void Interrupt_Out2Clear_LineStaysLow()
    {
        var h = new UartHarness();
        h.Out(Ier, 0x02);
        Assert.False(h.Interrupt.IsRaised);

        h.Out(Mcr, 0x08);
        Assert.True(h.Interrupt.IsRaised);
        h.In(Iir);
        Assert.False(h.Interrupt.IsRaised);
    }

    [Fact]
    public void Interrupt_UngatedUart_RaisesWithoutOut2()
    {
        var h = new UartHarness(out2GatesInterrupt: false);
        h.Out(Ier, 0x01);
        h.Uart.TryEnqueueInput("z"u8);

        Assert.True(h.Interrupt.IsRaised);
        h.In(Rx);
        Assert.False(h.Interrupt.IsRaised);
    }

    [Fact]
    public void Interrupt_IerReenabledWithDataPending_RaisesAgain()
    {
        var h = new UartHarness();
        h.Out(Mcr, 0x08);
        h.Out(Ier, 0x01);
        h.Uart.TryEnqueueInput("a"u8);
        Assert.True(h.Interrupt.IsRaised);

        h.Out(Ier, 0x00);
        Assert.False(h.Interrupt.IsRaised);
        h.Out(Ier, 0x01);

        Assert.True(h.Interrupt.IsRaised);
        Assert.Equal(2, h.Interrupt.InterruptCount);
    }

    [Fact]
    public void Loopback_MsrMirrorsMcr_AndDeltasRaiseModemStatus()
    {
        var h = new UartHarness();
        h.Out(Mcr, 0x10);
        h.In(Msr);
        h.Out(Ier, 0x08);

        h.Out(Mcr, 0x1F);
        Assert.Equal(0x00, h.In(Iir));
        Assert.Equal(0xF0 | 0x0B, h.In(Msr));
        h.Out(Mcr, 0x1B); // OUT1 off: ring indicator trailing edge
        Assert.Equal(0xB0 | 0x04, h.In(Msr));
        Assert.Equal(0x01, h.In(Iir));
    }

    [Fact]
    public void Loopback_ThrWrite_IsReceivedNotTransmitted()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0x01);
        h.Out(Mcr, 0x10);
        h.Out(Tx, 0x42);

        Assert.Equal(0x61, h.In(Lsr));
        Assert.Equal(0x42, h.In(Rx));
        Assert.Empty(h.DrainOutput());
        Assert.Equal(0, h.Uart.TryEnqueueInput([1]));
    }

    [Fact]
    public void Scratch_HoldsValue()
    {
        var h = new UartHarness();
        h.Out(Scr, 0xA5);

        Assert.Equal(0xA5, h.In(Scr));
    }

    [Fact]
    public void Read_WiderAccess_ReadsConsecutiveRegisters()
    {
        var h = new UartHarness();
        h.Out(Lcr, 0x03);
        h.Out(Mcr, 0x0B);
        var data = new byte[3];

        h.Uart.Read((ulong)6, data);

        Assert.Equal(new byte[] { 0xB0, 0x00, 0xFF }, data);
        Assert.Equal(new byte[] { 0x03, 0x0B }, ReadTwo(h, Lcr));
    }

    [Fact]
    public void Output_ReaderBehind_DropsAndCountsWithoutBlocking()
    {
        var h = new UartHarness(pipeOptions: new PipeOptions(pauseWriterThreshold: 16, resumeWriterThreshold: 8));
        for (int i = 0; i < 100; i++)
        {
            h.Out(Tx, (byte)'x');
        }

        Assert.Equal(16, h.Uart.TransmittedBytes);
        Assert.Equal(84, h.Uart.DroppedOutputBytes);
        Assert.Equal(16, h.DrainOutput().Length);
    }

    [Fact]
    public async Task Output_ReaderCatchesUp_TransmitsAgain()
    {
        var h = new UartHarness(pipeOptions: new PipeOptions(pauseWriterThreshold: 4, resumeWriterThreshold: 2));
        for (int i = 0; i < 10; i++)
        {
            h.Out(Tx, (byte)'a');
        }

        Assert.Equal(4, h.DrainOutput().Length);
        await WaitUntil(() =>
        {
            h.Out(Tx, (byte)'b');
            return h.Uart.TransmittedBytes > 4;
        });

        Assert.Equal((byte)'b', h.DrainOutput()[0]);
    }

    [Fact]
    public void Output_ReaderCompleted_DropsEverything()
    {
        var h = new UartHarness();
        h.Pipe.Reader.Complete();
        h.Out(Tx, 1);
        h.Out(Tx, 2);

        Assert.Equal(1, h.Uart.DroppedOutputBytes);
    }

    [Fact]
    public void Write_ThrPath_DoesNotAllocate()
    {
        var h = new UartHarness();
        var reader = h.Pipe.Reader;
        byte[] one = [0x41];
        for (int i = 0; i < 100; i++)
        {
            h.Uart.Write((ushort)0, one);
        }

        h.DrainOutput();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < 64; i++)
            {
                h.Uart.Write((ushort)0, one);
            }

            Assert.True(reader.TryRead(out var result));
            reader.AdvanceTo(result.Buffer.End);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task PumpInputAsync_MoreThanFifo_DeliversEverythingInOrder()
    {
        var h = new UartHarness();
        h.Out(Fcr, 0xC1);
        var input = new Pipe();
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 30)));
        await input.Writer.WriteAsync(message, TestContext.Current.CancellationToken);
        await input.Writer.CompleteAsync();

        var pump = h.Uart.PumpInputAsync(input.Reader, TestContext.Current.CancellationToken);
        var received = new List<byte>();
        await WaitUntil(() =>
        {
            while ((h.In(Lsr) & 0x01) != 0)
            {
                received.Add(h.In(Rx));
            }

            return received.Count == message.Length;
        });
        await pump;

        Assert.Equal(message, received.ToArray());
    }

    [Fact]
    public async Task PumpInputAsync_Cancelled_Throws()
    {
        var h = new UartHarness();
        var input = new Pipe();
        using var cancel = new CancellationTokenSource();
        var pump = h.Uart.PumpInputAsync(input.Reader, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pump);
    }

    [Fact]
    public void CaptureState_RestoredIntoFreshUart_BehavesIdentically()
    {
        var original = new UartHarness();
        original.Out(Lcr, 0x83);
        original.Out(Dll, 3);
        original.Out(Lcr, 0x03);
        original.Out(Fcr, 0x41);
        original.Out(Mcr, 0x0B);
        original.Out(Ier, 0x07);
        original.Out(Scr, 0x5A);
        original.Uart.TryEnqueueInput("abcdef"u8);
        original.In(Rx);

        var copy = new UartHarness();
        copy.Uart.RestoreState(original.Uart.CaptureState());

        Assert.Equal(original.Uart.CaptureState() with { ReceiveFifo = [] }, copy.Uart.CaptureState() with { ReceiveFifo = [] });
        Assert.True(copy.Interrupt.IsRaised);
        foreach (int register in new[] { Iir, Lsr, Rx, Rx, Iir, Msr, Scr, Ier, Lcr, Mcr, Rx, Rx, Rx, Lsr, Iir, Iir })
        {
            Assert.Equal(original.In(register), copy.In(register));
        }
    }

    [Fact]
    public void RestoreState_TooManyBytes_Throws()
    {
        var h = new UartHarness();

        Assert.Throws<ArgumentException>(() => h.Uart.RestoreState(new Uart16550State { FifoControl = 1, ReceiveFifo = new byte[65] }));
        Assert.Throws<ArgumentException>(() => h.Uart.RestoreState(new Uart16550State { ReceiveFifo = new byte[2] }));
    }

    private static byte[] ReadTwo(UartHarness h, int register)
    {
        var data = new byte[2];
        h.Uart.Read((ushort)register, data);
        return data;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
