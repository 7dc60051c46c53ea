using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Vmm.Memory.Access;

namespace Vmm.Memory;

/// <summary>
/// An immutable snapshot of guest-physical memory: non-empty regions sorted by guest address,
/// none overlapping. Every access is checked: an access that touches a hole or runs past the top
/// of the address space fails (the <c>Try…</c> methods return false, the others throw a
/// <see cref="GuestMemoryException"/> naming the address). Accesses that span adjacent regions are split.
/// Writes to a read-only region fail the same way (<see cref="ReadOnlyGuestMemoryException"/>) instead of faulting on the host,
/// and a read-only region only ever hands out <see cref="ReadOnlySpan{T}"/>.
/// Every write path marks the dirty bitmap of the regions that track dirty pages, after the bytes are written.
/// </summary>
/// <remarks>
/// <para>
/// Ownership: a snapshot holds a reference to each of its regions, so a region stays mapped while any snapshot
/// holding it is alive, whatever its creator does (<see cref="MemoryRegion.Dispose"/> only gives up the creator's reference).
/// The snapshot itself is reference-counted: it starts with one reference, its creator's, given up by <see cref="Dispose"/>;
/// <see cref="Acquire"/> adds one (for a thread or device that keeps using the snapshot, e.g. across a hot-remove) and
/// <see cref="Release"/> gives one up. When the last reference goes, the snapshot gives up its regions' references, and
/// the regions no other snapshot or creator holds are unmapped.
/// </para>
/// <para>
/// Accesses never touch the counts (no interlocked operation per access), so they are only valid while the caller holds a
/// reference: using a snapshot after its last reference is gone, or a span from it, is a use after free.
/// Adding or removing regions makes a new snapshot (<see cref="WithRegion"/>, <see cref="WithoutRegion"/>), which
/// <see cref="AtomicGuestMemory"/> publishes without blocking readers.
/// </para>
/// </remarks>
public sealed unsafe class GuestMemory : IDisposable
{
    private readonly MemoryRegion[] _regions;
    private readonly ulong[] _starts;
    private readonly ulong[] _lasts;
    private readonly bool[] _writable;

    // The first region, unpacked for the fast path of small accesses (most guest RAM of a VM lives there).
    private readonly ulong _start0;
    private readonly ulong _size0;
    private readonly byte* _host0;
    private readonly bool _writable0;
    private readonly DirtyBitmap? _dirty0;

    // The snapshot's references: one for its creator (given up by Dispose, once) plus one per Acquire.
    private int _references = 1;
    private int _creatorReleased;

    /// <summary>Takes over one reference to each region, which the caller has acquired.</summary>
    private GuestMemory(MemoryRegion[] regions)
    {
        _regions = regions;
        _start0 = regions[0].GuestBase.Value;
        _size0 = regions[0].Size;
        _host0 = regions[0].Host;
        _writable0 = regions[0].IsWritable;
        _dirty0 = regions[0].DirtyPages;
        _starts = new ulong[regions.Length];
        _lasts = new ulong[regions.Length];
        _writable = new bool[regions.Length];
        ulong total = 0;
        for (int i = 0; i < regions.Length; i++)
        {
            _starts[i] = regions[i].GuestBase.Value;
            _lasts[i] = regions[i].LastAddress.Value;
            _writable[i] = regions[i].IsWritable;
            total += regions[i].Size;
        }

        TotalSize = total;
        Regions = new ReadOnlyCollection<MemoryRegion>(regions);
    }

    /// <summary>The regions, sorted by guest address.</summary>
    public IReadOnlyList<MemoryRegion> Regions { get; }

    /// <summary>The sum of the regions' sizes.</summary>
    public ulong TotalSize { get; }

    /// <summary>The highest guest-physical address backed by memory.</summary>
    public GuestAddress LastAddress => new(_lasts[^1]);

    /// <summary>Whether every reference to the snapshot is gone (it no longer holds its regions).</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>
    /// Creates a snapshot from regions already sorted by guest address. The snapshot holds a reference to each region,
    /// so the regions stay mapped while it lives even if their creators dispose them; the caller owns the snapshot's
    /// one reference (<see cref="Dispose"/>).
    /// </summary>
    /// <exception cref="InvalidRegionLayoutException">No region, a disposed region, or regions unsorted or overlapping.</exception>
    public static GuestMemory Create(params ReadOnlySpan<MemoryRegion> regions)
    {
        if (regions.IsEmpty)
        {
            throw new InvalidRegionLayoutException("Guest memory needs at least one region.");
        }

        var copy = regions.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(copy[i], nameof(regions));
            if (copy[i].IsDisposed)
            {
                throw Disposed(copy[i]);
            }

            if (i > 0 && copy[i].GuestBase.Value <= copy[i - 1].LastAddress.Value)
            {
                throw new InvalidRegionLayoutException(copy[i].GuestBase < copy[i - 1].GuestBase
                    ? $"Regions must be sorted by guest address: {copy[i].Range} follows {copy[i - 1].Range}."
                    : $"Region {copy[i].Range} overlaps {copy[i - 1].Range}.");
            }
        }

        for (int i = 0; i < copy.Length; i++)
        {
            if (!copy[i].TryAddReference())
            {
                // Disposed by another thread since the check above.
                ReleaseRegions(copy.AsSpan(0, i));
                throw Disposed(copy[i]);
            }
        }

        return new GuestMemory(copy);
    }

    /// <summary>
    /// Maps one anonymous region per range (sorted, non-overlapping) and returns them as guest memory that owns them:
    /// the regions are unmapped when the snapshot's last reference goes (<see cref="Dispose"/>, or <see cref="DisposeRegions"/>).
    /// </summary>
    public static GuestMemory Allocate(ReadOnlySpan<GuestRange> ranges, MemoryRegionOptions? options = null)
    {
        var regions = new List<MemoryRegion>(ranges.Length);
        try
        {
            foreach (var range in ranges)
            {
                regions.Add(MemoryRegion.CreateAnonymous(range.Start, range.Length, options));
            }

            return Create(CollectionsMarshal.AsSpan(regions));
        }
        finally
        {
            // On success the snapshot holds the only remaining references; on failure this unmaps the regions.
            foreach (var region in regions)
            {
                region.Dispose();
            }
        }
    }

    /// <summary>
    /// Adds a reference to the snapshot and returns it, for a holder that keeps using the snapshot independently of its
    /// creator (give it up with <see cref="Release"/>). Acquire only a snapshot you already hold a reference to; to take the
    /// current snapshot of an <see cref="AtomicGuestMemory"/>, use <see cref="AtomicGuestMemory.Acquire"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Every reference is gone.</exception>
    public GuestMemory Acquire()
    {
        ObjectDisposedException.ThrowIf(!TryAcquire(), this);
        return this;
    }

    /// <summary>Adds a reference to the snapshot unless every reference is already gone; true when it did.</summary>
    public bool TryAcquire() => ReferenceCounting.TryAdd(ref _references);

    /// <summary>
    /// Gives up one reference taken with <see cref="Acquire"/> (or handed over by <see cref="AtomicGuestMemory.Replace"/>).
    /// The last one gives up the snapshot's references to its regions. Do not use the snapshot afterwards.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Every reference is already gone.</exception>
    public void Release()
    {
        ObjectDisposedException.ThrowIf(!ReferenceCounting.TryRemove(ref _references, out bool last), this);
        if (last)
        {
            ReleaseRegions(_regions);
        }
    }

    /// <summary>Gives up the creator's reference (once; later calls do nothing). See <see cref="Release"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _creatorReleased, 1) == 0)
        {
            Release();
        }
    }

    /// <summary>
    /// Disposes every region of this snapshot (gives up their creators' references) and this snapshot (<see cref="Dispose"/>):
    /// for memory whose regions and snapshot are all the caller's, such as a VM's RAM when the VM is gone. A region
    /// another live snapshot still holds stays mapped until that snapshot goes too.
    /// </summary>
    public void DisposeRegions()
    {
        foreach (var region in _regions)
        {
            region.Dispose();
        }

        Dispose();
    }

    /// <summary>A new snapshot (owned by the caller) with <paramref name="region"/> added in address order.</summary>
    /// <exception cref="InvalidRegionLayoutException">The region overlaps one already present.</exception>
    /// <exception cref="ObjectDisposedException">Every reference to this snapshot is gone.</exception>
    public GuestMemory WithRegion(MemoryRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var list = new List<MemoryRegion>(_regions) { region };
        list.Sort(static (a, b) => a.GuestBase.CompareTo(b.GuestBase));
        return Create(CollectionsMarshal.AsSpan(list));
    }

    /// <summary>A new snapshot (owned by the caller) without <paramref name="region"/>. This snapshot keeps its reference to the region.</summary>
    /// <exception cref="ArgumentException">The region is not part of this snapshot.</exception>
    /// <exception cref="InvalidRegionLayoutException">It is the last region.</exception>
    /// <exception cref="ObjectDisposedException">Every reference to this snapshot is gone.</exception>
    public GuestMemory WithoutRegion(MemoryRegion region)
    {
        int index = Array.IndexOf(_regions, region);
        if (index < 0)
        {
            throw new ArgumentException($"Region {region?.Range} is not part of this guest memory.", nameof(region));
        }

        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var list = new List<MemoryRegion>(_regions);
        list.RemoveAt(index);
        return Create(CollectionsMarshal.AsSpan(list));
    }

    /// <summary>Finds the region that holds <paramref name="address"/>.</summary>
    public bool TryFindRegion(GuestAddress address, [NotNullWhen(true)] out MemoryRegion? region)
    {
        int index = FindIndex(address.Value);
        region = index < 0 ? null : _regions[index];
        return index >= 0;
    }

    /// <summary>Whether <paramref name="address"/> is backed by memory.</summary>
    public bool Contains(GuestAddress address) => FindIndex(address.Value) >= 0;

    /// <summary>Whether every byte of [<paramref name="address"/>, +<paramref name="length"/>) is backed by memory (possibly by several adjacent regions).</summary>
    public bool IsValidRange(GuestAddress address, ulong length) => ValidPrefix(address.Value, length, write: false) == length;

    /// <summary>Reads a value of type <typeparamref name="T"/> (any alignment).</summary>
    /// <exception cref="GuestMemoryAccessException">Some byte of the value is not backed by memory.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read<T>(GuestAddress address)
        where T : unmanaged
    {
        ulong offset = address.Value - _start0;
        if (offset < _size0 && (ulong)sizeof(T) <= _size0 - offset)
        {
            return Unsafe.ReadUnaligned<T>(_host0 + offset);
        }

        if (!TryReadSlow(address, out T value))
        {
            ThrowFault(address, (ulong)sizeof(T), write: false);
        }

        return value;
    }

    /// <summary>Reads a value of type <typeparamref name="T"/>, failing when some byte is not backed by memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead<T>(GuestAddress address, out T value)
        where T : unmanaged
    {
        ulong offset = address.Value - _start0;
        if (offset < _size0 && (ulong)sizeof(T) <= _size0 - offset)
        {
            value = Unsafe.ReadUnaligned<T>(_host0 + offset);
            return true;
        }

        return TryReadSlow(address, out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadSlow<T>(GuestAddress address, out T value)
        where T : unmanaged
    {
        byte* p = Contiguous(address.Value, sizeof(T), RegionWalkMode.Read);
        if (p != null)
        {
            value = Unsafe.ReadUnaligned<T>(p);
            return true;
        }

        // Split across adjacent regions, or not all backed.
        T local = default;
        bool ok = ReadPartial(address, new Span<byte>(&local, sizeof(T))) == sizeof(T);
        value = ok ? local : default;
        return ok;
    }

    /// <summary>Writes a value of type <typeparamref name="T"/> (any alignment).</summary>
    /// <exception cref="GuestMemoryAccessException">Some byte of the value is not backed by memory.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write<T>(GuestAddress address, T value)
        where T : unmanaged
    {
        if (!TryWrite(address, value))
        {
            ThrowFault(address, (ulong)sizeof(T), write: true);
        }
    }

    /// <summary>Writes a value of type <typeparamref name="T"/>, failing (having written nothing) when some byte is not backed by memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite<T>(GuestAddress address, T value)
        where T : unmanaged
    {
        ulong offset = address.Value - _start0;
        if (offset < _size0 && (ulong)sizeof(T) <= _size0 - offset && _writable0)
        {
            Unsafe.WriteUnaligned(_host0 + offset, value);
            _dirty0?.MarkUnchecked(offset, (ulong)sizeof(T));
            return true;
        }

        return TryWriteValueSlow(address.Value, value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryWriteValueSlow<T>(ulong address, T value)
        where T : unmanaged
    {
        // The value whole inside one writable region (one step of a walk), or else byte-wise.
        var write = new WriteValue<T>(value);
        return Step(address, (ulong)sizeof(T), 0, RegionWalkMode.Write, ref write) == (ulong)sizeof(T)
            || TryWriteSlow(address, new ReadOnlySpan<byte>(&value, sizeof(T)));
    }

    /// <summary>Fills <paramref name="destination"/> from guest memory.</summary>
    /// <exception cref="GuestMemoryException">Some byte of the range is not backed by memory.</exception>
    public void Read(GuestAddress address, Span<byte> destination)
    {
        ulong offset = address.Value - _start0;
        if (offset < _size0 && (ulong)destination.Length <= _size0 - offset)
        {
            new ReadOnlySpan<byte>(_host0 + offset, destination.Length).CopyTo(destination);
            return;
        }

        if (ReadPartial(address, destination) != destination.Length)
        {
            throw Fault(address, (ulong)destination.Length, write: false);
        }
    }

    /// <summary>Copies <paramref name="source"/> into guest memory.</summary>
    /// <exception cref="GuestMemoryException">Some byte of the range is not backed by memory; nothing was written.</exception>
    public void Write(GuestAddress address, ReadOnlySpan<byte> source)
    {
        if (!TryWrite(address, source))
        {
            throw Fault(address, (ulong)source.Length, write: true);
        }
    }

    /// <summary>Fills <paramref name="destination"/> from guest memory, failing when some byte is not backed (a prefix may have been copied).</summary>
    public bool TryRead(GuestAddress address, Span<byte> destination) => ReadPartial(address, destination) == destination.Length;

    /// <summary>Copies <paramref name="source"/> into guest memory, failing (having written nothing) when some byte is not backed.</summary>
    public bool TryWrite(GuestAddress address, ReadOnlySpan<byte> source)
    {
        ulong offset = address.Value - _start0;
        if (offset < _size0 && (ulong)source.Length <= _size0 - offset && _writable0)
        {
            source.CopyTo(new Span<byte>(_host0 + offset, source.Length));
            _dirty0?.MarkUnchecked(offset, (ulong)source.Length);
            return true;
        }

        return TryWriteSlow(address.Value, source);
    }

    /// <summary>Copies from guest memory until <paramref name="destination"/> is full or a hole is met; returns the bytes copied.</summary>
    public int ReadPartial(GuestAddress address, Span<byte> destination)
    {
        var copy = new CopyFromGuest(destination);
        return (int)Walk(address.Value, (ulong)destination.Length, RegionWalkMode.Read, ref copy);
    }

    /// <summary>Copies into guest memory until <paramref name="source"/> is used up or a hole or read-only region is met; returns the bytes copied.</summary>
    public int WritePartial(GuestAddress address, ReadOnlySpan<byte> source)
    {
        var copy = new CopyToGuest(source);
        return (int)Walk(address.Value, (ulong)source.Length, RegionWalkMode.Write, ref copy);
    }

    /// <summary>Sets <paramref name="length"/> bytes from <paramref name="address"/> to <paramref name="value"/> (e.g. to clear a kernel's BSS).</summary>
    /// <exception cref="GuestMemoryException">Some byte of the range is not backed by memory; nothing was written.</exception>
    public void Fill(GuestAddress address, ulong length, byte value)
    {
        if (ValidPrefix(address.Value, length, write: true) != length)
        {
            throw Fault(address, length, write: true);
        }

        var fill = new FillGuest(value);
        Walk(address.Value, length, RegionWalkMode.Write, ref fill);
    }

    /// <summary>
    /// Gets a read-only span over <paramref name="length"/> bytes of guest memory for zero-copy reads, when the range lies
    /// inside one region (of any kind, read-only ones included). The span is valid while the caller holds a reference to
    /// this snapshot; the guest may change the bytes concurrently.
    /// </summary>
    public bool TryGetReadOnlySpan(GuestAddress address, int length, out ReadOnlySpan<byte> span)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            span = default;
            return IsBackedOrRegionEnd(address.Value);
        }

        byte* p = Contiguous(address.Value, length, RegionWalkMode.Read);
        span = p == null ? default : new ReadOnlySpan<byte>(p, length);
        return p != null;
    }

    /// <summary>
    /// Gets a writable span over <paramref name="length"/> bytes of guest memory, when the range lies inside one writable
    /// region: false for a read-only region (whose mapping would fault on a write), a hole or a range split across regions.
    /// The pages of the range are marked dirty before the span is returned, so a dirty-log reader that resets the bitmap
    /// while the caller is still writing through the span must mark those pages again itself (or take the bitmap only once
    /// devices are paused). The span is valid while the caller holds a reference to this snapshot.
    /// </summary>
    public bool TryGetWritableSpan(GuestAddress address, int length, out Span<byte> span)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            span = default;
            return IsBackedOrRegionEnd(address.Value);
        }

        byte* p = Contiguous(address.Value, length, RegionWalkMode.Write);
        span = p == null ? default : new Span<byte>(p, length);
        return p != null;
    }

    /// <summary>Reads a naturally aligned 16-bit value with acquire semantics.</summary>
    public ushort LoadAcquireUInt16(GuestAddress address) => Volatile.Read(ref *(ushort*)Aligned(address, 2, write: false));

    /// <summary>Reads a naturally aligned 32-bit value with acquire semantics.</summary>
    public uint LoadAcquireUInt32(GuestAddress address) => Volatile.Read(ref *(uint*)Aligned(address, 4, write: false));

    /// <summary>Reads a naturally aligned 64-bit value with acquire semantics.</summary>
    public ulong LoadAcquireUInt64(GuestAddress address) => Volatile.Read(ref *(ulong*)Aligned(address, 8, write: false));

    /// <summary>Writes a naturally aligned 16-bit value with release semantics.</summary>
    public void StoreReleaseUInt16(GuestAddress address, ushort value) => Volatile.Write(ref *(ushort*)Aligned(address, 2, write: true), value);

    /// <summary>Writes a naturally aligned 32-bit value with release semantics.</summary>
    public void StoreReleaseUInt32(GuestAddress address, uint value) => Volatile.Write(ref *(uint*)Aligned(address, 4, write: true), value);

    /// <summary>Writes a naturally aligned 64-bit value with release semantics.</summary>
    public void StoreReleaseUInt64(GuestAddress address, ulong value) => Volatile.Write(ref *(ulong*)Aligned(address, 8, write: true), value);

    /// <summary>Reads a 16-bit value with acquire semantics; false when misaligned or not backed.</summary>
    public bool TryLoadAcquireUInt16(GuestAddress address, out ushort value)
    {
        byte* p = TryAligned(address.Value, 2, write: false);
        value = p == null ? default : Volatile.Read(ref *(ushort*)p);
        return p != null;
    }

    /// <summary>Reads a 32-bit value with acquire semantics; false when misaligned or not backed.</summary>
    public bool TryLoadAcquireUInt32(GuestAddress address, out uint value)
    {
        byte* p = TryAligned(address.Value, 4, write: false);
        value = p == null ? default : Volatile.Read(ref *(uint*)p);
        return p != null;
    }

    /// <summary>Reads a 64-bit value with acquire semantics; false when misaligned or not backed.</summary>
    public bool TryLoadAcquireUInt64(GuestAddress address, out ulong value)
    {
        byte* p = TryAligned(address.Value, 8, write: false);
        value = p == null ? default : Volatile.Read(ref *(ulong*)p);
        return p != null;
    }

    /// <summary>Writes a 16-bit value with release semantics; false (nothing written) when misaligned or not backed.</summary>
    public bool TryStoreReleaseUInt16(GuestAddress address, ushort value)
    {
        byte* p = TryAligned(address.Value, 2, write: true);
        if (p != null)
        {
            Volatile.Write(ref *(ushort*)p, value);
        }

        return p != null;
    }

    /// <summary>Writes a 32-bit value with release semantics; false (nothing written) when misaligned or not backed.</summary>
    public bool TryStoreReleaseUInt32(GuestAddress address, uint value)
    {
        byte* p = TryAligned(address.Value, 4, write: true);
        if (p != null)
        {
            Volatile.Write(ref *(uint*)p, value);
        }

        return p != null;
    }

    /// <summary>Writes a 64-bit value with release semantics; false (nothing written) when misaligned or not backed.</summary>
    public bool TryStoreReleaseUInt64(GuestAddress address, ulong value)
    {
        byte* p = TryAligned(address.Value, 8, write: true);
        if (p != null)
        {
            Volatile.Write(ref *(ulong*)p, value);
        }

        return p != null;
    }

    /// <summary>Atomically replaces a naturally aligned 32-bit value if it equals <paramref name="comparand"/>; returns the value found.</summary>
    public uint CompareExchangeUInt32(GuestAddress address, uint value, uint comparand) =>
        Interlocked.CompareExchange(ref *(uint*)Aligned(address, 4, write: true), value, comparand);

    /// <summary>Atomically replaces a naturally aligned 64-bit value if it equals <paramref name="comparand"/>; returns the value found.</summary>
    public ulong CompareExchangeUInt64(GuestAddress address, ulong value, ulong comparand) =>
        Interlocked.CompareExchange(ref *(ulong*)Aligned(address, 8, write: true), value, comparand);

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of <paramref name="file"/> at <paramref name="fileOffset"/>
    /// straight into guest memory (pread, no intermediate buffer). Returns the bytes read, fewer only at end of file.
    /// </summary>
    /// <exception cref="GuestMemoryException">Some byte of the guest range is not backed by memory; nothing was read.</exception>
    public int ReadFromFile(SafeFileHandle file, long fileOffset, GuestAddress address, int count)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(fileOffset);
        if (ValidPrefix(address.Value, (ulong)count, write: true) != (ulong)count)
        {
            throw Fault(address, (ulong)count, write: true);
        }

        var read = new ReadFromFileAccess(file, fileOffset);
        return (int)Walk(address.Value, (ulong)count, RegionWalkMode.Write, ref read);
    }

    /// <summary>
    /// Writes <paramref name="count"/> bytes of guest memory at <paramref name="address"/> to <paramref name="file"/>
    /// at <paramref name="fileOffset"/> (pwrite straight from guest memory).
    /// </summary>
    /// <exception cref="GuestMemoryException">Some byte of the guest range is not backed by memory; nothing was written.</exception>
    public void WriteToFile(SafeFileHandle file, long fileOffset, GuestAddress address, int count)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(fileOffset);
        if (!IsValidRange(address, (ulong)count))
        {
            throw Fault(address, (ulong)count, write: false);
        }

        var write = new WriteToFileAccess(file, fileOffset);
        Walk(address.Value, (ulong)count, RegionWalkMode.Read, ref write);
    }

    /// <summary>Formats the region list.</summary>
    public override string ToString() => $"GuestMemory [{string.Join(", ", _regions.Select(r => r.Range.ToString()))}]";

    private static InvalidRegionLayoutException Disposed(MemoryRegion region) => new($"Region {region.Range} is disposed.");

    private static void ReleaseRegions(ReadOnlySpan<MemoryRegion> regions)
    {
        foreach (var region in regions)
        {
            region.ReleaseReference();
        }
    }

    /// <summary>
    /// The one region walk behind every access outside the first-region fast paths: from <paramref name="address"/>, offers
    /// <paramref name="access"/> the part of [<paramref name="address"/>, +<paramref name="length"/>) inside each region in
    /// turn (<see cref="Piece"/>), stopping at a hole, at the top of the address space, at a read-only region unless
    /// <paramref name="mode"/> is <see cref="RegionWalkMode.Read"/>, or when the access handles nothing. With
    /// <see cref="RegionWalkMode.Write"/> it marks the bytes handled dirty after each piece. Returns the bytes handled: a
    /// prefix of the range. Accesses that must lie inside one region (spans, atomics, whole values) take just its first
    /// piece (<see cref="Contiguous"/>, <see cref="Step"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong Walk<TAccess>(ulong address, ulong length, RegionWalkMode mode, ref TAccess access)
        where TAccess : IRegionAccess, allows ref struct
    {
        // The first piece is taken outside the loop: nearly every access lies inside one region, and with the loop out of
        // the way the JIT folds a constant length (a value, an atomic) into the piece arithmetic, as a single lookup would.
        ulong first = length == 0 ? 0 : Step(address, length, 0, mode, ref access);
        return first == 0 || first == length ? first : WalkOn(address, length, first, mode, ref access);
    }

    /// <summary>The rest of a <see cref="Walk"/> after its first piece: the pieces from <paramref name="start"/> + <paramref name="done"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong WalkOn<TAccess>(ulong start, ulong length, ulong done, RegionWalkMode mode, ref TAccess access)
        where TAccess : IRegionAccess, allows ref struct
    {
        while (done < length)
        {
            ulong address = start + done;
            if (address < start)
            {
                // The last piece ended at the top of the address space.
                break;
            }

            ulong handled = Step(address, length - done, done, mode, ref access);
            if (handled == 0)
            {
                break;
            }

            done += handled;
        }

        return done;
    }

    /// <summary>
    /// Offers <paramref name="access"/> the piece of the remaining <paramref name="remaining"/> bytes at <paramref name="address"/>
    /// inside the region holding it, and marks it dirty for a write walk; returns the bytes handled, 0 to stop the walk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Step<TAccess>(ulong address, ulong remaining, ulong done, RegionWalkMode mode, ref TAccess access)
        where TAccess : IRegionAccess, allows ref struct
    {
        ulong length = Piece(address, remaining, mode, out int index, out ulong offset);
        if (length == 0)
        {
            return 0;
        }

        var region = _regions[index];
        ulong handled = access.Access(region, offset, length, done);
        if (handled != 0)
        {
            Written(region, offset, handled, mode);
        }

        return handled;
    }

    /// <summary>
    /// The piece of the <paramref name="remaining"/> bytes at <paramref name="address"/> inside the region holding it: the
    /// region's index, the offset in it and the length; 0 at a hole or, unless <paramref name="mode"/> is
    /// <see cref="RegionWalkMode.Read"/>, in a read-only region. <paramref name="remaining"/> ≥ 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Piece(ulong address, ulong remaining, RegionWalkMode mode, out int index, out ulong offset)
    {
        index = FindIndex(address);
        if (index < 0 || (mode != RegionWalkMode.Read && !_writable[index]))
        {
            offset = 0;
            return 0;
        }

        offset = address - _starts[index];
        return Math.Min(_lasts[index] - address + 1, remaining);
    }

    /// <summary>Marks a piece dirty after a write walk handled it (the bytes are written, or about to be through a span or atomic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Written(MemoryRegion region, ulong offset, ulong length, RegionWalkMode mode)
    {
        if (mode == RegionWalkMode.Write)
        {
            region.DirtyPages?.MarkUnchecked(offset, length);
        }
    }

    /// <summary>
    /// How many bytes from <paramref name="address"/> are backed before the first hole, the top of the
    /// address space or, for a write, the first read-only region.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong ValidPrefix(ulong address, ulong length, bool write)
    {
        var probe = default(ProbeAccess);
        return Walk(address, length, write ? RegionWalkMode.ProbeWrite : RegionWalkMode.Read, ref probe);
    }

    /// <summary>The host address of [address, +length) when it lies inside one region (writable, for a write walk), else null. length ≥ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Contiguous(ulong address, int length, RegionWalkMode mode)
    {
        // One piece or nothing.
        if (Piece(address, (ulong)length, mode, out int index, out ulong offset) != (ulong)length)
        {
            return null;
        }

        var region = _regions[index];
        Written(region, offset, (ulong)length, mode);
        return region.Host + offset;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryWriteSlow(ulong address, ReadOnlySpan<byte> source)
    {
        if (ValidPrefix(address, (ulong)source.Length, write: true) != (ulong)source.Length)
        {
            return false;
        }

        WritePartial(new GuestAddress(address), source);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindIndex(ulong address)
    {
        ulong[] starts = _starts;
        int lo = 0;
        int hi = starts.Length - 1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (starts[mid] <= address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return hi >= 0 && address <= _lasts[hi] ? hi : -1;
    }

    /// <summary>A zero-length access is valid at any backed address and just past the end of a region.</summary>
    private bool IsBackedOrRegionEnd(ulong address) => FindIndex(address) >= 0 || (address > 0 && FindIndex(address - 1) >= 0);

    private byte* Aligned(GuestAddress address, int size, bool write)
    {
        if ((address.Value & (ulong)(size - 1)) != 0)
        {
            throw new MisalignedAccessException(address, size);
        }

        byte* p = TryAligned(address.Value, size, write);
        return p != null ? p : throw Fault(address, (ulong)size, write);
    }

    /// <summary>A naturally aligned value never crosses a region boundary (regions are page-aligned); a write marks it dirty before the caller stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* TryAligned(ulong address, int size, bool write) =>
        (address & (ulong)(size - 1)) != 0 ? null : Contiguous(address, size, write ? RegionWalkMode.Write : RegionWalkMode.Read);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowFault(GuestAddress address, ulong length, bool write) => throw Fault(address, length, write);

    private GuestMemoryException Fault(GuestAddress address, ulong length, bool write)
    {
        ulong done = ValidPrefix(address.Value, length, write);
        if (!address.TryAdd(done, out var fault))
        {
            return new GuestAddressOverflowException(address, length);
        }

        return write && Contains(fault)
            ? new ReadOnlyGuestMemoryException(address, length, fault)
            : new GuestMemoryAccessException(address, length, fault);
    }
}
