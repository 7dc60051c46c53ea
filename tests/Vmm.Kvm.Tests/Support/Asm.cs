using Iced.Intel;

namespace Vmm.Kvm.Tests.Support;

internal static class Asm
{
    /// <summary>Assembles <paramref name="build"/> for the given bitness at address <paramref name="ip"/>.</summary>
    public static byte[] Assemble(int bitness, ulong ip, Action<Assembler> build)
    {
        var a = new Assembler(bitness);
        build(a);
        using var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), ip);
        return ms.ToArray();
    }
}
