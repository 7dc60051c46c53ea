using Vmm.Devices.Legacy;
using Vmm.Devices.Testing;

namespace Vmm.Devices.Tests.Legacy;

/// <summary>The controller as Linux's drivers/input/serio/i8042.c talks to it (offsets within the 0x60–0x64 range).</summary>
public sealed class I8042ControllerTests
{
    private const ushort Data = 0, Command = 4;
    private const byte Obf = 0x01, AuxData = 0x20;

    [Fact]
    public void Probe_AsLinuxDoes_EveryCommandAnswersAtOnce()
    {
        var kbc = new I8042Controller();

        // i8042_flush: nothing pending.
        Assert.Equal(0, Status(kbc) & Obf);

        // i8042_controller_selftest
        Assert.Equal(0x55, Command1(kbc, 0xAA));

        // i8042_controller_init: read and write back the command byte with interrupts off.
        byte ctr = Command1(kbc, 0x20);
        Assert.Equal(I8042Controller.DefaultCommandByte, ctr);
        Out(kbc, Command, 0x60);
        Out(kbc, Data, (byte)(ctr & ~0x03));
        Assert.Equal(ctr & ~0x03, Command1(kbc, 0x20));

        // i8042_check_aux: loop-back through the aux output buffer must come back flagged as aux data.
        Out(kbc, Command, 0xD3);
        Out(kbc, Data, 0x5A);
        Assert.Equal(Obf | AuxData, Status(kbc) & (Obf | AuxData));
        Assert.Equal(0x5A, In(kbc, Data));
        Assert.Equal(0x00, Command1(kbc, 0xA9));
        Out(kbc, Command, 0xA7);
        Assert.Equal(0x20, Command1(kbc, 0x20) & 0x20);
        Out(kbc, Command, 0xA8);
        Assert.Equal(0x00, Command1(kbc, 0x20) & 0x20);

        // Keyboard interface test.
        Assert.Equal(0x00, Command1(kbc, 0xAB));
        Assert.Equal(0, Status(kbc) & Obf);
    }

    [Fact]
    public void Keyboard_ResetAndIdentify_AnswerLikeAnMf2Keyboard()
    {
        var kbc = new I8042Controller();

        Out(kbc, Data, 0xFF);
        Assert.Equal(new byte[] { 0xFA, 0xAA }, Drain(kbc));
        Out(kbc, Data, 0xF2);
        Assert.Equal(new byte[] { 0xFA, 0xAB, 0x83 }, Drain(kbc));
        Out(kbc, Data, 0xED);
        Out(kbc, Data, 0x07);
        Assert.Equal(new byte[] { 0xFA, 0xFA }, Drain(kbc));
    }

    [Fact]
    public void AuxDevice_Absent_AnswersTimeout()
    {
        var kbc = new I8042Controller();
        Out(kbc, Command, 0xD4);
        Out(kbc, Data, 0xF2);

        Assert.Equal(0x61, Status(kbc) & 0x61);
        Assert.Equal(0xFE, In(kbc, Data));
        Assert.Equal(0, Status(kbc) & 0x61);
    }

    [Fact]
    public void Interrupts_ByteForEnabledPort_PulsesItsLine()
    {
        var irq1 = new InterruptRecorder();
        var irq12 = new InterruptRecorder();
        var kbc = new I8042Controller(irq1, irq12);
        Out(kbc, Command, 0x60);
        Out(kbc, Data, 0x47);

        Out(kbc, Data, 0xFF);
        Assert.Equal(1, irq1.InterruptCount);
        In(kbc, Data);
        Assert.Equal(2, irq1.InterruptCount);
        In(kbc, Data);
        Out(kbc, Command, 0xD3);
        Out(kbc, Data, 0x12);
        Assert.Equal(1, irq12.InterruptCount);
    }

    [Fact]
    public void OutputBuffer_GuestNeverReads_StaysBounded()
    {
        var kbc = new I8042Controller();
        for (int i = 0; i < 1000; i++)
        {
            Out(kbc, Data, 0xF2);
        }

        Assert.Equal(16, kbc.CaptureState().OutputBuffer.Length);
    }

    [Theory]
    [InlineData(0xFE)]
    [InlineData(0xF0)]
    public void ResetCommand_PulsesResetLine_RaisesEventOnce(byte command)
    {
        var kbc = new I8042Controller();
        int raised = 0;
        kbc.ResetRequested += (_, _) => raised++;

        Out(kbc, Command, command);
        Out(kbc, Command, command);

        Assert.True(kbc.IsResetRequested);
        Assert.Equal(1, raised);
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0xD1)]
    [InlineData(0x20)]
    public void OtherCommands_DoNotReset(byte command)
    {
        var kbc = new I8042Controller();

        Out(kbc, Command, command);

        Assert.False(kbc.IsResetRequested);
    }

    [Fact]
    public void OtherPorts_ReadZero()
    {
        var kbc = new I8042Controller();

        Assert.Equal(0, In(kbc, 1));
        Out(kbc, 2, 0xFF);
        Assert.False(kbc.IsResetRequested);
    }

    [Fact]
    public void CaptureState_RestoredIntoFreshController_BehavesIdentically()
    {
        var original = new I8042Controller();
        Out(original, Command, 0xD3);
        Out(original, Data, 0x77);
        Out(original, Data, 0xF2);
        Out(original, Command, 0x60);

        var copy = new I8042Controller();
        copy.RestoreState(original.CaptureState());

        Out(original, Data, 0x46);
        Out(copy, Data, 0x46);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(Status(original), Status(copy));
            Assert.Equal(In(original, Data), In(copy, Data));
        }

        Assert.Equal(Command1(original, 0x20), Command1(copy, 0x20));
    }

    [Fact]
    public void RestoreState_MismatchedFlags_Throws()
    {
        var kbc = new I8042Controller();

        Assert.Throws<ArgumentException>(() => kbc.RestoreState(new I8042State { OutputBuffer = [1, 2], OutputFromAux = [false] }));
        Assert.Throws<ArgumentException>(() => kbc.RestoreState(new I8042State { OutputBuffer = new byte[17], OutputFromAux = new bool[17] }));
    }

    private static byte Command1(I8042Controller kbc, byte command)
    {
        Out(kbc, Command, command);
        Assert.Equal(Obf, Status(kbc) & Obf);
        return In(kbc, Data);
    }

    private static byte[] Drain(I8042Controller kbc)
    {
        var bytes = new List<byte>();
        while ((Status(kbc) & Obf) != 0)
        {
            bytes.Add(In(kbc, Data));
        }

        return [.. bytes];
    }

    private static byte Status(I8042Controller kbc) => In(kbc, Command);

    private static byte In(I8042Controller kbc, ushort offset)
    {
        var data = new byte[1];
        kbc.Read(offset, data);
        return data[0];
    }

    private static void Out(I8042Controller kbc, ushort offset, byte value) => kbc.Write(offset, [value]);
}
