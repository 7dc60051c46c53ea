using System.Runtime.InteropServices;
using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>
/// One split-virtqueue descriptor exactly as it lies in guest memory (16 bytes, little-endian):
/// buffer address, length, flags and the index of the next descriptor.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Descriptor : IEquatable<Descriptor>
{
    /// <summary>The size of a descriptor in guest memory.</summary>
    public const int Size = 16;

    private readonly ulong _address;
    private readonly uint _length;
    private readonly ushort _flags;
    private readonly ushort _next;

    /// <summary>Creates a descriptor.</summary>
    public Descriptor(GuestAddress address, uint length, DescriptorFlags flags, ushort next)
    {
        _address = address.Value;
        _length = length;
        _flags = (ushort)flags;
        _next = next;
    }

    /// <summary>The guest-physical address of the buffer (or of the indirect table).</summary>
    public GuestAddress Address => new(_address);

    /// <summary>The length of the buffer in bytes.</summary>
    public uint Length => _length;

    /// <summary>The flags, including bits the specification does not define.</summary>
    public DescriptorFlags Flags => (DescriptorFlags)_flags;

    /// <summary>The index of the next descriptor, meaningful when <see cref="HasNext"/>.</summary>
    public ushort Next => _next;

    /// <summary>Whether the chain continues.</summary>
    public bool HasNext => (_flags & (ushort)DescriptorFlags.Next) != 0;

    /// <summary>Whether the buffer is device-writable.</summary>
    public bool IsWriteOnly => (_flags & (ushort)DescriptorFlags.Write) != 0;

    /// <summary>Whether the descriptor refers to an indirect descriptor table.</summary>
    public bool IsIndirect => (_flags & (ushort)DescriptorFlags.Indirect) != 0;

    /// <inheritdoc/>
    public bool Equals(Descriptor other) =>
        _address == other._address && _length == other._length && _flags == other._flags && _next == other._next;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Descriptor other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_address, _length, _flags, _next);

    /// <summary>Formats the descriptor.</summary>
    public override string ToString() => $"desc {Address} len {Length} flags {Flags} next {Next}";

    /// <summary>Value equality.</summary>
    public static bool operator ==(Descriptor left, Descriptor right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Descriptor left, Descriptor right) => !left.Equals(right);
}
