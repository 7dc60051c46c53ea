using System.Collections.Concurrent;
using System.Numerics;
using Iced.Intel;

namespace Vmm.Kvm;

/// <summary>
/// Completes instructions a PVM host's in-kernel emulator gives up on (KVM_EXIT_INTERNAL_ERROR, suberror 1, with the
/// instruction bytes): <c>int3</c> (RIP += 1 and #BP injected), <c>popcnt r, r</c> (computed, ZF set, OF SF AF CF PF cleared)
/// and <c>fwait</c> (skipped). Decoding uses the Iced decoder. Anything else is reported as
/// <see cref="EmulationStatus.NotHandled"/> with its text. Thread-safe; counts what it emulated per mnemonic.
/// </summary>
public sealed class EmulationFallback
{
    private const ulong FlagCf = 1UL << 0;
    private const ulong FlagPf = 1UL << 2;
    private const ulong FlagAf = 1UL << 4;
    private const ulong FlagZf = 1UL << 6;
    private const ulong FlagSf = 1UL << 7;
    private const ulong FlagOf = 1UL << 11;
    private const ulong BreakpointVector = 3;

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _notHandled;

    /// <summary>How many instructions were emulated, per mnemonic (a snapshot).</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    /// <summary>How many instructions were emulated in all.</summary>
    public long TotalEmulated => _counts.Values.Sum();

    /// <summary>How many exits were not handled (or invalid).</summary>
    public long NotHandledCount => Interlocked.Read(ref _notHandled);

    /// <summary>
    /// Handles an emulation-failure exit on <paramref name="vcpu"/>: reads the registers and the code size from CS, emulates,
    /// writes the registers back and injects #BP for <c>int3</c>.
    /// </summary>
    /// <param name="vcpu">The vCPU that exited (not running).</param>
    /// <param name="instructionBytes">The bytes from <see cref="VcpuExit.InstructionBytes"/>.</param>
    /// <returns>The outcome.</returns>
    public EmulationResult Handle(Vcpu vcpu, ReadOnlySpan<byte> instructionBytes)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        var sregs = vcpu.GetSpecialRegisters();
        var bitness = sregs.Cs.Long != 0 ? 64 : sregs.Cs.DefaultSize != 0 ? 32 : 16;
        var regs = vcpu.GetRegisters();
        var result = Emulate(ref regs, instructionBytes, bitness);
        if (result.Handled)
        {
            vcpu.SetRegisters(regs);
            if (result.InjectedVector >= 0)
            {
                vcpu.InjectException((byte)result.InjectedVector);
            }
        }

        return result;
    }

    /// <summary>
    /// Emulates one instruction on a register image without touching a vCPU. For <c>int3</c> it advances RIP and reports
    /// vector 3 in <see cref="EmulationResult.InjectedVector"/>; the caller injects it.
    /// </summary>
    /// <param name="registers">Registers, updated in place when emulated.</param>
    /// <param name="instructionBytes">The instruction bytes (at most 15 are used).</param>
    /// <param name="bitness">16, 32 or 64: the code size of the guest's CS.</param>
    /// <returns>The outcome.</returns>
    public EmulationResult Emulate(ref Registers registers, ReadOnlySpan<byte> instructionBytes, int bitness = 64)
    {
        if (bitness is not (16 or 32 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(bitness), bitness, "16, 32 or 64");
        }

        if (instructionBytes.IsEmpty)
        {
            return Count(new EmulationResult(EmulationStatus.Invalid, string.Empty, "(no instruction bytes)", 0, -1));
        }

        var bytes = instructionBytes[..Math.Min(instructionBytes.Length, 15)].ToArray();
        var decoder = Decoder.Create(bitness, new ByteArrayCodeReader(bytes), registers.Rip);
        decoder.Decode(out var instr);
        var text = Format(instr);
        var mnemonic = instr.Mnemonic.ToString().ToLowerInvariant();
        if (instr.IsInvalid || decoder.LastError != DecoderError.None)
        {
            return Count(new EmulationResult(EmulationStatus.Invalid, string.Empty, $"(invalid: {Convert.ToHexString(bytes)})", 0, -1));
        }

        var length = instr.Length;
        switch (instr.Mnemonic)
        {
            case Mnemonic.Int3:
                registers.Rip = AdvanceIp(registers.Rip, length, bitness);
                return Count(new EmulationResult(EmulationStatus.Emulated, mnemonic, text, length, (int)BreakpointVector));

            case Mnemonic.Wait:
                registers.Rip = AdvanceIp(registers.Rip, length, bitness);
                return Count(new EmulationResult(EmulationStatus.Emulated, mnemonic, text, length, -1));

            case Mnemonic.Popcnt when instr.Op0Kind == OpKind.Register && instr.Op1Kind == OpKind.Register:
                EmulatePopcnt(ref registers, instr);
                registers.Rip = AdvanceIp(registers.Rip, length, bitness);
                return Count(new EmulationResult(EmulationStatus.Emulated, mnemonic, text, length, -1));

            default:
                return Count(new EmulationResult(EmulationStatus.NotHandled, mnemonic, text, length, -1));
        }
    }

    private static void EmulatePopcnt(ref Registers registers, in Instruction instr)
    {
        var dst = instr.Op0Register;
        var src = instr.Op1Register;
        var size = dst.GetSize();
        var value = Read(ref registers, src);
        var mask = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        var count = (ulong)BitOperations.PopCount(value & mask);
        ref var full = ref RegisterRef(ref registers, dst.GetFullRegister());
        full = size switch
        {
            8 => count,
            4 => count, // a 32-bit destination zero-extends into the full register.
            _ => (full & ~mask) | count,
        };
        var flags = registers.Rflags & ~(FlagOf | FlagSf | FlagZf | FlagAf | FlagCf | FlagPf);
        if ((value & mask) == 0)
        {
            flags |= FlagZf;
        }

        registers.Rflags = flags;
    }

    private static ulong Read(ref Registers registers, Register register)
    {
        var size = register.GetSize();
        var value = RegisterRef(ref registers, register.GetFullRegister());
        return size == 8 ? value : value & ((1UL << (size * 8)) - 1);
    }

    private static ref ulong RegisterRef(ref Registers r, Register full)
    {
        switch (full)
        {
            case Register.RAX: return ref r.Rax;
            case Register.RBX: return ref r.Rbx;
            case Register.RCX: return ref r.Rcx;
            case Register.RDX: return ref r.Rdx;
            case Register.RSI: return ref r.Rsi;
            case Register.RDI: return ref r.Rdi;
            case Register.RSP: return ref r.Rsp;
            case Register.RBP: return ref r.Rbp;
            case Register.R8: return ref r.R8;
            case Register.R9: return ref r.R9;
            case Register.R10: return ref r.R10;
            case Register.R11: return ref r.R11;
            case Register.R12: return ref r.R12;
            case Register.R13: return ref r.R13;
            case Register.R14: return ref r.R14;
            case Register.R15: return ref r.R15;
            default: throw new NotSupportedException($"register {full}");
        }
    }

    private static ulong AdvanceIp(ulong rip, int length, int bitness) => bitness switch
    {
        64 => rip + (ulong)length,
        32 => (uint)(rip + (ulong)length),
        _ => (ushort)(rip + (ulong)length),
    };

    private static string Format(in Instruction instr)
    {
        var formatter = new IntelFormatter();
        var output = new StringOutput();
        formatter.Format(instr, output);
        return output.ToStringAndReset();
    }

    private EmulationResult Count(EmulationResult result)
    {
        if (result.Handled)
        {
            _counts.AddOrUpdate(result.Mnemonic, 1, static (_, n) => n + 1);
        }
        else
        {
            Interlocked.Increment(ref _notHandled);
        }

        return result;
    }
}
