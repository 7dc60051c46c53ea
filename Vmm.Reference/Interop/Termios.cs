using System.Runtime.InteropServices;

namespace Vmm.Reference.Interop;

/// <summary>glibc's <c>struct termios</c> on x86-64 (60 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Termios
{
    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte Line;
    public fixed byte ControlChars[32];
    public uint InputSpeed;
    public uint OutputSpeed;
}
