using Iced.Intel;
using FsCheck.Xunit;
using Vmm.Kvm.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace Vmm.Kvm.Tests;

public sealed class EmulationFallbackTests
{
    private const ulong ArithmeticFlags = 0x8d5; // OF SF ZF AF PF CF

    [Fact]
    public void Emulate_Int3_AdvancesRipAndRequestsBreakpoint()
    {
        var fallback = new EmulationFallback();
        var regs = new Registers { Rip = 0x1000 };
        var result = fallback.Emulate(ref regs, [0xcc]);
        Assert.Equal(EmulationStatus.Emulated, result.Status);
        Assert.Equal(3, result.InjectedVector);
        Assert.Equal(0x1001UL, regs.Rip);
        Assert.Equal("int3", result.Mnemonic);
        Assert.Equal(1, fallback.Counts["int3"]);
    }

    [Fact]
    public void Emulate_Fwait_AdvancesRipByOne()
    {
        var fallback = new EmulationFallback();
        var regs = new Registers { Rip = 0x2000 };
        var result = fallback.Emulate(ref regs, [0x9b, 0x90, 0x90]);
        Assert.True(result.Handled);
        Assert.Equal(-1, result.InjectedVector);
        Assert.Equal(0x2001UL, regs.Rip);
    }

    [Fact]
    public void Emulate_PopcntZeroSource_SetsZfAndClearsOtherFlags()
    {
        var fallback = new EmulationFallback();
        var code = Asm.Assemble(64, 0, a => a.popcnt(rax, rbx));
        var regs = new Registers { Rip = 0x3000, Rax = 99, Rbx = 0, Rflags = 2 | ArithmeticFlags };
        var result = fallback.Emulate(ref regs, code);
        Assert.True(result.Handled);
        Assert.Equal(0UL, regs.Rax);
        Assert.Equal(2UL | 0x40, regs.Rflags);
        Assert.Equal(0x3000UL + (ulong)code.Length, regs.Rip);
    }

    [Property]
    public bool Emulate_PopcntAllSizesAndRegisters_MatchesBitCount(ulong source, ulong destinationBefore, byte form)
    {
        var forms = new (Action<Iced.Intel.Assembler> Emit, int Size)[]
        {
            (a => a.popcnt(rax, rbx), 8),
            (a => a.popcnt(r15, r8), 8),
            (a => a.popcnt(ecx, edx), 4),
            (a => a.popcnt(r11d, esi), 4),
            (a => a.popcnt(di, bp), 2),
            (a => a.popcnt(r9w, r12w), 2),
        };
        var (emit, size) = forms[form % forms.Length];
        var code = Asm.Assemble(64, 0, emit);
        var regs = new Registers { Rip = 0x100, Rflags = 2 | ArithmeticFlags };
        SetAll(ref regs, destinationBefore);
        var fallback = new EmulationFallback();
        var instruction = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code));
        instruction.Decode(out var decoded);
        ref var src = ref Pick(ref regs, decoded.Op1Register.GetFullRegister());
        src = source;
        var mask = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        var expectedCount = (ulong)System.Numerics.BitOperations.PopCount(source & mask);
        var result = fallback.Emulate(ref regs, code);
        var dst = Pick(ref regs, decoded.Op0Register.GetFullRegister());
        var expectedDst = size switch
        {
            8 or 4 => expectedCount,
            _ => (destinationBefore & ~mask) | expectedCount,
        };
        var zf = (regs.Rflags & 0x40) != 0;
        return result.Handled && result.Length == code.Length && regs.Rip == 0x100 + (ulong)code.Length
            && dst == expectedDst && zf == ((source & mask) == 0) && (regs.Rflags & (ArithmeticFlags & ~0x40UL)) == 0;
    }

    [Fact]
    public void Emulate_PopcntMemoryOperand_NotHandled()
    {
        var fallback = new EmulationFallback();
        var code = Asm.Assemble(64, 0, a => a.popcnt(rax, __qword_ptr[rbx]));
        var regs = new Registers { Rip = 0x100 };
        var result = fallback.Emulate(ref regs, code);
        Assert.Equal(EmulationStatus.NotHandled, result.Status);
        Assert.Equal(0x100UL, regs.Rip);
    }

    [Fact]
    public void Emulate_OtherInstruction_NotHandledWithText()
    {
        var fallback = new EmulationFallback();
        var regs = new Registers { Rip = 0x100 };
        var result = fallback.Emulate(ref regs, [0x0f, 0x01, 0xca]); // clac
        Assert.Equal(EmulationStatus.NotHandled, result.Status);
        Assert.Equal("clac", result.Instruction);
        Assert.Equal(1, fallback.NotHandledCount);
        Assert.Equal(0, fallback.TotalEmulated);
    }

    [Fact]
    public void Emulate_EmptyOrGarbage_Invalid()
    {
        var fallback = new EmulationFallback();
        var regs = default(Registers);
        Assert.Equal(EmulationStatus.Invalid, fallback.Emulate(ref regs, []).Status);
        Assert.Equal(EmulationStatus.Invalid, fallback.Emulate(ref regs, [0x0f]).Status);
    }

    [Fact]
    public void Emulate_RealModeInt3_WrapsIpAt16Bits()
    {
        var fallback = new EmulationFallback();
        var regs = new Registers { Rip = 0xffff };
        Assert.True(fallback.Emulate(ref regs, [0xcc], bitness: 16).Handled);
        Assert.Equal(0UL, regs.Rip);
    }

    [Fact]
    public void Detect_MissingDirectory_False() => Assert.False(PvmHost.Detect("/nonexistent/kvm_pvm"));

    private static void SetAll(ref Registers r, ulong v)
    {
        r.Rax = r.Rbx = r.Rcx = r.Rdx = r.Rsi = r.Rdi = r.Rbp = v;
        r.R8 = r.R9 = r.R10 = r.R11 = r.R12 = r.R13 = r.R14 = r.R15 = v;
    }

    private static ref ulong Pick(ref Registers r, Iced.Intel.Register full)
    {
        switch (full)
        {
            case Iced.Intel.Register.RAX: return ref r.Rax;
            case Iced.Intel.Register.RBX: return ref r.Rbx;
            case Iced.Intel.Register.RCX: return ref r.Rcx;
            case Iced.Intel.Register.RDX: return ref r.Rdx;
            case Iced.Intel.Register.RSI: return ref r.Rsi;
            case Iced.Intel.Register.RDI: return ref r.Rdi;
            case Iced.Intel.Register.RBP: return ref r.Rbp;
            case Iced.Intel.Register.R8: return ref r.R8;
            case Iced.Intel.Register.R9: return ref r.R9;
            case Iced.Intel.Register.R11: return ref r.R11;
            case Iced.Intel.Register.R12: return ref r.R12;
            case Iced.Intel.Register.R15: return ref r.R15;
            default: throw new ArgumentOutOfRangeException(nameof(full));
        }
    }
}
