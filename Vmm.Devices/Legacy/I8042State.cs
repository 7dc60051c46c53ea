namespace Vmm.Devices.Legacy;

/// <summary>Everything an <see cref="I8042Controller"/> needs to resume where it was: plain data, serialisable as is.</summary>
public sealed record I8042State
{
    /// <summary>The controller configuration byte ("command byte").</summary>
    public byte CommandByte { get; init; } = I8042Controller.DefaultCommandByte;

    /// <summary>The output port (bit 0 is the CPU reset line, bit 1 the A20 gate).</summary>
    public byte OutputPort { get; init; } = I8042Controller.DefaultOutputPort;

    /// <summary>The controller command waiting for its parameter byte on the data port, or 0.</summary>
    public byte PendingCommand { get; init; }

    /// <summary>Whether the last write went to the command port (status bit 3).</summary>
    public bool LastWriteWasCommand { get; init; }

    /// <summary>Whether the keyboard waits for the parameter of a command it acknowledged.</summary>
    public bool KeyboardExpectsParameter { get; init; }

    /// <summary>The bytes waiting to be read from the data port, oldest first (at most 16).</summary>
    public byte[] OutputBuffer { get; init; } = [];

    /// <summary>For each byte of <see cref="OutputBuffer"/>, whether it comes from the auxiliary (mouse) port.</summary>
    public bool[] OutputFromAux { get; init; } = [];
}
