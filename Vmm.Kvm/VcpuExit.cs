using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>
/// One exit of <see cref="Vcpu.Run"/>, decoded from the shared run page without allocating. The spans point into the run
/// page and are valid until the next <see cref="Vcpu.Run"/>; for an IN or an MMIO read, write the answer into them.
/// </summary>
public readonly unsafe ref struct VcpuExit
{
    /// <summary>KVM_INTERNAL_ERROR_EMULATION.</summary>
    public const uint EmulationSuberror = 1;

    private const int UnionOffset = 32;
    private readonly byte* _run;

    internal VcpuExit(byte* run, VcpuExitReason reason)
    {
        _run = run;
        Reason = reason;
    }

    /// <summary>The decoded reason.</summary>
    public VcpuExitReason Reason { get; }

    /// <summary>The kernel's exit_reason number as found in the run page.</summary>
    public uint RawReason => Run->ExitReason;

    /// <summary>Port I/O: IN or OUT.</summary>
    public IoDirection IoDirection => (IoDirection)Io->Direction;

    /// <summary>Port I/O: the port.</summary>
    public ushort IoPort => Io->Port;

    /// <summary>Port I/O: bytes per access (1, 2 or 4).</summary>
    public int IoSize => Io->Size;

    /// <summary>Port I/O: number of accesses (greater than 1 for string I/O such as <c>rep outsb</c>).</summary>
    public int IoCount => (int)Io->Count;

    /// <summary>Port I/O: the data, <see cref="IoSize"/> × <see cref="IoCount"/> bytes in the run page.</summary>
    public Span<byte> IoData => new(_run + Io->DataOffset, Io->Size * (int)Io->Count);

    /// <summary>MMIO: the guest-physical address.</summary>
    public ulong MmioAddress => Mmio->PhysAddr;

    /// <summary>MMIO: true for a guest write.</summary>
    public bool MmioIsWrite => Mmio->IsWrite != 0;

    /// <summary>MMIO: the data (1..8 bytes); fill it for a read.</summary>
    public Span<byte> MmioData => new(&Mmio->Data, (int)Math.Min(Mmio->Len, 8u));

    /// <summary>FailEntry: the hardware entry failure reason.</summary>
    public ulong FailEntryReason => ((KvmRunFailEntry*)(_run + UnionOffset))->HardwareEntryFailureReason;

    /// <summary>FailEntry: the physical CPU.</summary>
    public uint FailEntryCpu => ((KvmRunFailEntry*)(_run + UnionOffset))->Cpu;

    /// <summary>Unknown: the hardware exit reason.</summary>
    public ulong HardwareExitReason => *(ulong*)(_run + UnionOffset);

    /// <summary>InternalError: the suberror (1 = emulation failure).</summary>
    public uint InternalErrorSuberror => Emulation->Suberror;

    /// <summary>InternalError: extra data words the kernel provided (for a non-emulation suberror).</summary>
    public ReadOnlySpan<ulong> InternalErrorData => new(_run + UnionOffset + 8, (int)Math.Min(Emulation->Ndata, 16u));

    /// <summary>InternalError, emulation failure: whether the kernel supplied the instruction bytes.</summary>
    public bool HasInstructionBytes =>
        Reason == VcpuExitReason.InternalError && Emulation->Suberror == EmulationSuberror && Emulation->Ndata >= 3 && (Emulation->Flags & 1) != 0;

    /// <summary>InternalError, emulation failure: the bytes of the instruction that failed (empty when not provided).</summary>
    public ReadOnlySpan<byte> InstructionBytes =>
        HasInstructionBytes ? new(&Emulation->InsnBytes, Math.Min((int)Emulation->InsnSize, 15)) : default;

    /// <summary>SystemEvent: the kind.</summary>
    public SystemEventType SystemEventType => (SystemEventType)((KvmRunSystemEvent*)(_run + UnionOffset))->Type;

    /// <summary>SystemEvent: data words (flags on older kernels).</summary>
    public ReadOnlySpan<ulong> SystemEventData =>
        new(_run + UnionOffset + 8, (int)Math.Min(((KvmRunSystemEvent*)(_run + UnionOffset))->Ndata, 16u));

    /// <summary>Debug: the exception vector.</summary>
    public uint DebugException => ((KvmRunDebug*)(_run + UnionOffset))->Exception;

    /// <summary>Debug: the guest RIP.</summary>
    public ulong DebugPc => ((KvmRunDebug*)(_run + UnionOffset))->Pc;

    /// <summary>Debug: DR6.</summary>
    public ulong DebugDr6 => ((KvmRunDebug*)(_run + UnionOffset))->Dr6;

    /// <summary>Debug: DR7.</summary>
    public ulong DebugDr7 => ((KvmRunDebug*)(_run + UnionOffset))->Dr7;

    /// <summary>IoapicEoi: the vector the guest acknowledged.</summary>
    public byte EoiVector => _run[UnionOffset];

    /// <summary>The raw 256-byte exit union, for reasons without a typed accessor.</summary>
    public ReadOnlySpan<byte> RawData => new(_run + UnionOffset, 256);

    private KvmRun* Run => (KvmRun*)_run;

    private KvmRunIo* Io => (KvmRunIo*)(_run + UnionOffset);

    private KvmRunMmio* Mmio => (KvmRunMmio*)(_run + UnionOffset);

    private KvmRunEmulationFailure* Emulation => (KvmRunEmulationFailure*)(_run + UnionOffset);

    /// <summary>A one-line description (allocates; for logs and errors).</summary>
    /// <returns>Text.</returns>
    public override string ToString() => Reason switch
    {
        VcpuExitReason.Io => $"Io {IoDirection} port 0x{IoPort:x} size {IoSize} count {IoCount}",
        VcpuExitReason.Mmio => $"Mmio {(MmioIsWrite ? "write" : "read")} 0x{MmioAddress:x} len {MmioData.Length}",
        VcpuExitReason.FailEntry => $"FailEntry reason 0x{FailEntryReason:x} cpu {FailEntryCpu}",
        VcpuExitReason.InternalError => $"InternalError suberror {InternalErrorSuberror} insn [{Convert.ToHexString(InstructionBytes)}]",
        VcpuExitReason.SystemEvent => $"SystemEvent {SystemEventType}",
        VcpuExitReason.Unrecognized => $"Unrecognized exit {RawReason}",
        _ => Reason.ToString(),
    };
}
