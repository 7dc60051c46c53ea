using System.Buffers.Binary;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm.Tests.Support;

/// <summary>Anonymous mmap'd memory used as guest RAM in tests.</summary>
internal sealed unsafe class TestMemory : IDisposable
{
    public TestMemory(ulong size)
    {
        Size = size;
        Host = Libc.Mmap(0, (nuint)size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (Host == -1)
        {
            throw new InvalidOperationException("mmap failed");
        }
    }

    public nint Host { get; private set; }

    public ulong Size { get; }

    public Span<byte> Slice(ulong offset, int length)
    {
        if (offset + (ulong)length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        return new Span<byte>((byte*)Host + offset, length);
    }

    public void Write(ulong offset, ReadOnlySpan<byte> data) => data.CopyTo(Slice(offset, data.Length));

    public void WriteUInt64(ulong offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Slice(offset, 8), value);

    public void WriteUInt16(ulong offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Slice(offset, 2), value);

    public void WriteUInt32(ulong offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Slice(offset, 4), value);

    public ulong ReadUInt64(ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(offset, 8));

    public void Dispose()
    {
        if (Host != 0)
        {
            _ = Libc.Munmap(Host, (nuint)Size);
            Host = 0;
        }
    }
}
