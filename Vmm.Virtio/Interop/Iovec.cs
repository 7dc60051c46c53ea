using System.Runtime.InteropServices;

namespace Vmm.Virtio.Interop;

/// <summary>struct iovec: one piece of a scatter/gather list for readv(2)/writev(2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Iovec
{
    internal nint Base;
    internal nuint Length;

    internal Iovec(nint @base, nuint length)
    {
        Base = @base;
        Length = length;
    }
}
