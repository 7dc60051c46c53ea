using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>A <c>kvm_msrs</c> list for KVM_GET_MSRS/KVM_SET_MSRS: a native buffer of up to <see cref="MaxEntries"/> entries.</summary>
public sealed unsafe class MsrEntries : IDisposable
{
    /// <summary>The kernel's limit per call (MAX_IO_MSRS).</summary>
    public const int MaxEntries = 256;

    private byte* _buffer;

    /// <summary>Creates an empty list with room for <paramref name="capacity"/> entries.</summary>
    /// <param name="capacity">0..<see cref="MaxEntries"/>.</param>
    public MsrEntries(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxEntries);
        Capacity = capacity;
        _buffer = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(KvmMsrsHeader) + (Math.Max(capacity, 1) * sizeof(MsrEntry))));
    }

    /// <summary>Creates a list holding the given MSR indices (values zero), ready for KVM_GET_MSRS.</summary>
    /// <param name="indices">MSR indices.</param>
    /// <returns>The list.</returns>
    public static MsrEntries ForIndices(ReadOnlySpan<uint> indices)
    {
        var list = new MsrEntries(indices.Length);
        foreach (var index in indices)
        {
            list.Add(new MsrEntry(index, 0));
        }

        return list;
    }

    /// <summary>Room for entries.</summary>
    public int Capacity { get; }

    /// <summary>The number of entries in use.</summary>
    public int Count
    {
        get => (int)Header->Nmsrs;
        internal set => Header->Nmsrs = (uint)value;
    }

    /// <summary>The entries in use (valid until disposal).</summary>
    public Span<MsrEntry> Entries => new(Buffer + sizeof(KvmMsrsHeader), Count);

    internal byte* Buffer => _buffer != null ? _buffer : throw new ObjectDisposedException(nameof(MsrEntries));

    private KvmMsrsHeader* Header => (KvmMsrsHeader*)Buffer;

    /// <summary>Appends an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="InvalidOperationException">The list is full.</exception>
    public void Add(in MsrEntry entry)
    {
        if (Count >= Capacity)
        {
            throw new InvalidOperationException($"MSR list full ({Capacity} entries)");
        }

        var n = Count;
        Header->Nmsrs = (uint)(n + 1);
        Entries[n] = entry;
    }

    /// <summary>Removes every entry.</summary>
    public void Clear() => Header->Nmsrs = 0;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer != null)
        {
            NativeMemory.Free(_buffer);
            _buffer = null;
        }
    }
}
