namespace Vmm.Kvm.Interop;

/// <summary>Computes ioctl request numbers the way the kernel's _IO/_IOR/_IOW/_IOWR macros do (asm-generic/ioctl.h).</summary>
internal static class IoctlCodes
{
    internal const int NrBits = 8;
    internal const int TypeBits = 8;
    internal const int SizeBits = 14;
    internal const int DirBits = 2;
    internal const int NrShift = 0;
    internal const int TypeShift = NrShift + NrBits;
    internal const int SizeShift = TypeShift + TypeBits;
    internal const int DirShift = SizeShift + SizeBits;
    internal const uint DirNone = 0;
    internal const uint DirWrite = 1;
    internal const uint DirRead = 2;

    /// <summary>_IOC(dir, type, nr, size).</summary>
    internal static uint Ioc(uint dir, uint type, uint nr, uint size)
    {
        if (dir > 3 || type > 0xff || nr > 0xff || size >= (1u << SizeBits))
        {
            throw new ArgumentOutOfRangeException(nameof(size), "ioctl field out of range");
        }

        return (dir << DirShift) | (size << SizeShift) | (type << TypeShift) | (nr << NrShift);
    }

    internal static uint Io(uint type, uint nr) => Ioc(DirNone, type, nr, 0);

    internal static uint Ior(uint type, uint nr, uint size) => Ioc(DirRead, type, nr, size);

    internal static uint Iow(uint type, uint nr, uint size) => Ioc(DirWrite, type, nr, size);

    internal static uint Iowr(uint type, uint nr, uint size) => Ioc(DirRead | DirWrite, type, nr, size);

    internal static uint Dir(uint code) => code >> DirShift;

    internal static uint Type(uint code) => (code >> TypeShift) & 0xff;

    internal static uint Nr(uint code) => code & 0xff;

    internal static uint Size(uint code) => (code >> SizeShift) & ((1u << SizeBits) - 1);
}
