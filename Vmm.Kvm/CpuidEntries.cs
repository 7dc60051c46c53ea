using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>A <c>kvm_cpuid2</c> table: a native buffer holding up to <see cref="Capacity"/> entries (at most <see cref="MaxEntries"/>).</summary>
public sealed unsafe class CpuidEntries : IDisposable
{
    /// <summary>The kernel's limit (KVM_MAX_CPUID_ENTRIES).</summary>
    public const int MaxEntries = 256;

    private byte* _buffer;

    /// <summary>Creates an empty table with room for <paramref name="capacity"/> entries.</summary>
    /// <param name="capacity">1..<see cref="MaxEntries"/>.</param>
    public CpuidEntries(int capacity = MaxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxEntries);
        Capacity = capacity;
        _buffer = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(KvmCpuid2Header) + (Math.Max(capacity, 1) * sizeof(CpuidEntry))));
    }

    /// <summary>Room for entries.</summary>
    public int Capacity { get; }

    /// <summary>The number of entries in use.</summary>
    public int Count => (int)Header->Nent;

    /// <summary>The entries in use (valid until disposal).</summary>
    public Span<CpuidEntry> Entries => new(Buffer + sizeof(KvmCpuid2Header), Count);

    internal byte* Buffer => _buffer != null ? _buffer : throw new ObjectDisposedException(nameof(CpuidEntries));

    private KvmCpuid2Header* Header => (KvmCpuid2Header*)Buffer;

    /// <summary>Appends an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="InvalidOperationException">The table is full.</exception>
    public void Add(in CpuidEntry entry)
    {
        if (Count >= Capacity)
        {
            throw new InvalidOperationException($"CPUID table full ({Capacity} entries)");
        }

        var n = Count;
        Header->Nent = (uint)(n + 1);
        Entries[n] = entry;
    }

    /// <summary>Finds the entry for a leaf and subleaf.</summary>
    /// <param name="function">Leaf.</param>
    /// <param name="index">Subleaf.</param>
    /// <returns>A reference to the entry, or a null reference when absent (check with <see cref="System.Runtime.CompilerServices.Unsafe.IsNullRef{T}(ref readonly T)"/>).</returns>
    public ref CpuidEntry Find(uint function, uint index = 0)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Function == function && entries[i].Index == index)
            {
                return ref entries[i];
            }
        }

        return ref System.Runtime.CompilerServices.Unsafe.NullRef<CpuidEntry>();
    }

    /// <summary>Removes every entry.</summary>
    public void Clear() => Header->Nent = 0;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer != null)
        {
            NativeMemory.Free(_buffer);
            _buffer = null;
        }
    }

    internal void SetCountForKernel(int n) => Header->Nent = (uint)n;
}
