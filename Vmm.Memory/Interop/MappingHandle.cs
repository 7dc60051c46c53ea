using System.Runtime.InteropServices;

namespace Vmm.Memory.Interop;

/// <summary>Owns one mmap'd range and unmaps it exactly once.</summary>
internal sealed class MappingHandle : SafeHandle
{
    private readonly nuint _length;

    internal MappingHandle(nint address, nuint length)
        : base(Libc.MapFailed, ownsHandle: true)
    {
        _length = length;
        SetHandle(address);
    }

    public override bool IsInvalid => handle == Libc.MapFailed || handle == 0;

    protected override bool ReleaseHandle() => Libc.Munmap(handle, _length) == 0;
}
