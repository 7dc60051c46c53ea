using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Vmm.Memory.Access;

namespace Vmm.Memory.Tests.Model;

/// <summary>
/// A <see cref="GuestMemory"/> built from a <see cref="LayoutSpec"/> next to a plain byte array of the same
/// window of the address space. <see cref="Apply"/> performs one access on both and reports the first
/// difference (result, bytes, exception) as a message; <see cref="Compare"/> checks contents and dirty bits.
/// </summary>
internal sealed class AddressSpaceModel : IDisposable
{
    private const int Page = LayoutSpec.Page;
    private readonly LayoutSpec _spec;
    private readonly byte[] _bytes;
    private readonly int[] _pageRegion;
    private readonly bool[] _pageReadOnly;
    private readonly bool[] _dirty;
    private readonly List<MemoryRegion> _owned = [];
    private readonly List<(MemoryRegion Region, int FirstPage)> _placed = [];
    private SafeFileHandle? _file;

    public AddressSpaceModel(LayoutSpec spec)
    {
        _spec = spec;
        int pages = spec.WindowPages;
        _bytes = new byte[pages * Page];
        _pageRegion = new int[pages];
        _pageReadOnly = new bool[pages];
        _dirty = new bool[pages];
        Array.Fill(_pageRegion, -1);
        var regions = new List<MemoryRegion>();
        try
        {
            int page = 0;
            for (int i = 0; i < spec.Regions.Length; i++)
            {
                var r = spec.Regions[i];
                page += r.GapPages;
                var guestBase = new GuestAddress(spec.WindowBase + ((ulong)page * Page));
                ulong size = (ulong)r.SizePages * Page;
                MemoryRegion region;
                if (r.ReadOnly)
                {
                    // A read-only file mapping over a zero-filled memfd; writes must be refused, not fault.
                    var backing = MemoryRegion.CreateMemfd(GuestAddress.Zero, size, "model-ro");
                    _owned.Add(backing);
                    region = MemoryRegion.MapFile(guestBase, backing.File!, 0, size, new MemoryRegionOptions { Shared = true, ReadOnly = true });
                }
                else
                {
                    region = MemoryRegion.CreateAnonymous(guestBase, size, new MemoryRegionOptions { TrackDirtyPages = true });
                }

                _owned.Add(region);
                regions.Add(region);
                _placed.Add((region, page));
                for (int p = page; p < page + r.SizePages; p++)
                {
                    _pageRegion[p] = i;
                    _pageReadOnly[p] = r.ReadOnly;
                }

                page += r.SizePages;
            }

            Memory = GuestMemory.Create([.. regions]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public GuestMemory Memory { get; }

    public void Dispose()
    {
        // Null when a region could not be created.
        Memory?.Dispose();
        _file?.Dispose();
        foreach (var region in _owned)
        {
            region.Dispose();
        }
    }

    /// <summary>Performs <paramref name="op"/> on guest memory and on the model; returns a description of the first mismatch, or null.</summary>
    public string? Apply(AccessOp op)
    {
        ulong address = _spec.WindowBase + (ulong)op.WindowOffset;
        var ga = new GuestAddress(address);
        int n = op.Length;
        byte[] data = Pattern(n, op.Seed);
        return op.Kind switch
        {
            AccessKind.ReadValue => ReadValue(ga, n),
            AccessKind.WriteValue => WriteValue(ga, n, op.Seed),
            AccessKind.ReadSpan => ReadSpan(ga, n),
            AccessKind.WriteSpan => Expect(Memory.TryWrite(ga, data), CommitAll(address, data, write: true), "TryWrite(span)"),
            AccessKind.ReadPartial => ReadPartial(ga, n),
            AccessKind.WritePartial => WritePartial(ga, data),
            AccessKind.Fill => Fill(ga, n, op.Seed),
            AccessKind.GetReadOnlySpan => GetReadOnlySpan(ga, n),
            AccessKind.GetWritableSpan => GetWritableSpan(ga, data),
            AccessKind.LoadAcquire => LoadAcquire(ga, n),
            AccessKind.StoreRelease => StoreRelease(ga, n, op.Seed),
            AccessKind.CompareExchange => CompareExchange(ga, n, op.Seed),
            AccessKind.ThrowingRead => ThrowingRead(ga, n),
            AccessKind.ThrowingWrite => ThrowingWrite(ga, data),
            AccessKind.ReadFromFile => ReadFromFile(ga, data, op.Seed),
            AccessKind.WriteToFile => WriteToFile(ga, n),
            AccessKind.WalkRead => Walk(ga, n, RegionWalkMode.Read, op.Seed),
            AccessKind.WalkWrite => Walk(ga, n, RegionWalkMode.Write, op.Seed),
            AccessKind.WalkProbeWrite => Walk(ga, n, RegionWalkMode.ProbeWrite, op.Seed),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>Compares every region's bytes and dirty bitmap with the model.</summary>
    public string? Compare()
    {
        foreach (var (region, firstPage) in _placed)
        {
            var actual = region.GetReadOnlySpan(0, checked((int)region.Size));
            var expected = _bytes.AsSpan(firstPage * Page, (int)region.Size);
            if (!actual.SequenceEqual(expected))
            {
                int at = actual.CommonPrefixLength(expected);
                return $"contents differ in {region} at +0x{at:x}: 0x{actual[at]:x2} vs model 0x{expected[at]:x2}";
            }

            if (region.DirtyPages is { } bitmap)
            {
                for (int p = 0; p < bitmap.PageCount; p++)
                {
                    if (bitmap.IsDirty(p) != _dirty[firstPage + p])
                    {
                        return $"dirty bit of page {p} of {region} is {bitmap.IsDirty(p)}, model says {_dirty[firstPage + p]}";
                    }
                }
            }
        }

        return null;
    }

    private static byte[] Pattern(int length, byte seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(seed + (i * 31) + 1);
        }

        return data;
    }

    /// <summary>The number of bytes from <paramref name="address"/> the model can access, up to <paramref name="length"/>.</summary>
    private int Prefix(ulong address, int length, bool write)
    {
        for (int i = 0; i < length; i++)
        {
            int page = PageOf((UInt128)address + (ulong)i);
            if (page < 0 || _pageRegion[page] < 0 || (write && _pageReadOnly[page]))
            {
                return i;
            }
        }

        return length;
    }

    private int PageOf(UInt128 address)
    {
        if (address > ulong.MaxValue || address < _spec.WindowBase)
        {
            return -1;
        }

        UInt128 offset = address - _spec.WindowBase;
        return offset < (ulong)_bytes.Length ? (int)(offset / Page) : -1;
    }

    private int RegionOf(ulong address)
    {
        int page = PageOf(address);
        return page < 0 ? -1 : _pageRegion[page];
    }

    private int Offset(ulong address, int i) => (int)((UInt128)address + (ulong)i - _spec.WindowBase);

    /// <summary>Writes <paramref name="data"/> into the model when every byte is writable; returns whether it did.</summary>
    private bool CommitAll(ulong address, ReadOnlySpan<byte> data, bool write)
    {
        if (Prefix(address, data.Length, write) != data.Length)
        {
            return false;
        }

        CommitPrefix(address, data);
        return true;
    }

    private void MarkDirty(ulong address, int length)
    {
        for (int i = 0; i < length; i++)
        {
            _dirty[Offset(address, i) / Page] = true;
        }
    }

    private void CommitPrefix(ulong address, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            int offset = Offset(address, i);
            _bytes[offset] = data[i];
            _dirty[offset / Page] = true;
        }
    }

    private ReadOnlySpan<byte> ModelBytes(ulong address, int length) =>
        length == 0 ? [] : _bytes.AsSpan(Offset(address, 0), length);

    private static string? Expect(bool actual, bool expected, string what) =>
        actual == expected ? null : $"{what} returned {actual}, model says {expected}";

    private string? ReadValue(GuestAddress a, int size) => size switch
    {
        1 => ReadValue<byte>(a),
        2 => ReadValue<ushort>(a),
        4 => ReadValue<uint>(a),
        8 => ReadValue<ulong>(a),
        _ => ReadValue<UInt128>(a),
    };

    private string? ReadValue<T>(GuestAddress a)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        bool expected = Prefix(a.Value, size, write: false) == size;
        bool ok = Memory.TryRead(a, out T value);
        if (ok != expected)
        {
            return $"TryRead<{typeof(T).Name}> returned {ok}, model says {expected}";
        }

        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));
        if (ok && !bytes.SequenceEqual(ModelBytes(a.Value, size)))
        {
            return $"TryRead<{typeof(T).Name}> read {Convert.ToHexString(bytes)}";
        }

        return ok || bytes.IndexOfAnyExcept((byte)0) < 0 ? null : "a failed TryRead left a non-default value";
    }

    private string? WriteValue(GuestAddress a, int size, byte seed) => size switch
    {
        1 => WriteValue(a, (byte)(seed + 1)),
        2 => WriteValue(a, (ushort)(0x0101 * (seed + 1))),
        4 => WriteValue(a, 0x01010101u * (uint)(seed + 1)),
        8 => WriteValue(a, 0x0102030405060708UL * (ulong)(seed + 1)),
        _ => WriteValue(a, new UInt128(0xa5a5_0000_0000_0000UL | seed, 0x0102030405060708UL * (ulong)(seed + 3))),
    };

    private string? WriteValue<T>(GuestAddress a, T value)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
        return Expect(Memory.TryWrite(a, value), CommitAll(a.Value, bytes, write: true), $"TryWrite<{typeof(T).Name}>");
    }

    private string? ReadSpan(GuestAddress a, int n)
    {
        var buffer = new byte[n];
        bool expected = Prefix(a.Value, n, write: false) == n;
        bool ok = Memory.TryRead(a, buffer);
        if (ok != expected)
        {
            return $"TryRead(span) returned {ok}, model says {expected}";
        }

        return !ok || buffer.AsSpan().SequenceEqual(ModelBytes(a.Value, n)) ? null : "TryRead(span) bytes differ";
    }

    private string? ReadPartial(GuestAddress a, int n)
    {
        var buffer = new byte[n];
        int expected = Prefix(a.Value, n, write: false);
        int done = Memory.ReadPartial(a, buffer);
        if (done != expected)
        {
            return $"ReadPartial returned {done}, model says {expected}";
        }

        if (!buffer.AsSpan(0, done).SequenceEqual(ModelBytes(a.Value, done)))
        {
            return "ReadPartial bytes differ";
        }

        return buffer.AsSpan(done).IndexOfAnyExcept((byte)0) < 0 ? null : "ReadPartial wrote past the bytes it reported";
    }

    private string? WritePartial(GuestAddress a, byte[] data)
    {
        int expected = Prefix(a.Value, data.Length, write: true);
        int done = Memory.WritePartial(a, data);
        CommitPrefix(a.Value, data.AsSpan(0, expected));
        return done == expected ? null : $"WritePartial returned {done}, model says {expected}";
    }

    private string? Fill(GuestAddress a, int n, byte value)
    {
        var data = new byte[n];
        Array.Fill(data, value);
        bool expected = CommitAll(a.Value, data, write: true);
        try
        {
            Memory.Fill(a, (ulong)n, value);
            return expected ? null : "Fill succeeded, model says it fails";
        }
        catch (GuestMemoryException e)
        {
            return expected ? $"Fill threw {e.GetType().Name}, model says it succeeds" : CheckFault(e, a, n, write: true);
        }
    }

    private bool SpanExpected(ulong address, int n, bool write)
    {
        if (n == 0)
        {
            // A zero-length span exists at any backed address and just past a region's end.
            return RegionOf(address) >= 0 || (address > 0 && RegionOf(address - 1) >= 0);
        }

        return Prefix(address, n, write) == n && RegionOf(address) == RegionOf(address + (ulong)(n - 1));
    }

    private string? GetReadOnlySpan(GuestAddress a, int n)
    {
        bool expected = SpanExpected(a.Value, n, write: false);
        bool ok = Memory.TryGetReadOnlySpan(a, n, out var span);
        if (ok != expected)
        {
            return $"TryGetReadOnlySpan returned {ok}, model says {expected}";
        }

        return !ok || (span.Length == n && span.SequenceEqual(ModelBytes(a.Value, n))) ? null : "TryGetReadOnlySpan bytes differ";
    }

    private string? GetWritableSpan(GuestAddress a, byte[] data)
    {
        int n = data.Length;
        bool expected = SpanExpected(a.Value, n, write: true);
        bool ok = Memory.TryGetWritableSpan(a, n, out var span);
        if (ok != expected)
        {
            return $"TryGetWritableSpan returned {ok}, model says {expected}";
        }

        if (ok && n > 0)
        {
            data.CopyTo(span);
            CommitPrefix(a.Value, data);
        }

        return null;
    }

    private bool AtomicExpected(ulong address, int size, bool write) =>
        address % (ulong)size == 0 && Prefix(address, size, write) == size;

    private string? LoadAcquire(GuestAddress a, int size)
    {
        bool expected = AtomicExpected(a.Value, size, write: false);
        ulong value;
        bool ok;
        switch (size)
        {
            case 2:
                ok = Memory.TryLoadAcquireUInt16(a, out ushort v16);
                value = v16;
                break;
            case 4:
                ok = Memory.TryLoadAcquireUInt32(a, out uint v32);
                value = v32;
                break;
            default:
                ok = Memory.TryLoadAcquireUInt64(a, out value);
                break;
        }

        if (ok != expected)
        {
            return $"TryLoadAcquire{size * 8} returned {ok}, model says {expected}";
        }

        if (ok)
        {
            ulong model = 0;
            ModelBytes(a.Value, size).CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref model)));
            if (model != value)
            {
                return $"TryLoadAcquire{size * 8} read 0x{value:x}, model 0x{model:x}";
            }
        }

        return CheckThrowingAtomic(a, size, expected, write: false);
    }

    private string? StoreRelease(GuestAddress a, int size, byte seed)
    {
        ulong value = 0x0807060504030201UL * (ulong)(seed + 1);
        var bytes = BitConverter.GetBytes(value).AsSpan(0, size).ToArray();
        bool expected = AtomicExpected(a.Value, size, write: true);
        bool ok = size switch
        {
            2 => Memory.TryStoreReleaseUInt16(a, (ushort)value),
            4 => Memory.TryStoreReleaseUInt32(a, (uint)value),
            _ => Memory.TryStoreReleaseUInt64(a, value),
        };
        if (expected)
        {
            CommitPrefix(a.Value, bytes);
        }

        return Expect(ok, expected, $"TryStoreRelease{size * 8}") ?? CheckThrowingAtomic(a, size, expected, write: true);
    }

    private string? CompareExchange(GuestAddress a, int size, byte seed)
    {
        size = size == 8 ? 8 : 4;
        bool expected = AtomicExpected(a.Value, size, write: true);
        ulong next = 0x1122334455667788UL * (ulong)(seed + 1);
        try
        {
            ulong found;
            if (size == 4)
            {
                uint current = expected ? BitConverter.ToUInt32(ModelBytes(a.Value, 4)) : 0;
                found = Memory.CompareExchangeUInt32(a, (uint)next, current);
            }
            else
            {
                ulong current = expected ? BitConverter.ToUInt64(ModelBytes(a.Value, 8)) : 0;
                found = Memory.CompareExchangeUInt64(a, next, current);
            }

            if (!expected)
            {
                return $"CompareExchange{size * 8} succeeded, model says it fails";
            }

            CommitPrefix(a.Value, BitConverter.GetBytes(next).AsSpan(0, size));
            return null;
        }
        catch (GuestMemoryException e)
        {
            return expected ? $"CompareExchange{size * 8} threw {e.GetType().Name}" : CheckAtomicFault(e, a, size, write: true);
        }
    }

    private string? CheckThrowingAtomic(GuestAddress a, int size, bool expected, bool write)
    {
        if (expected)
        {
            return null;
        }

        try
        {
            switch ((write, size))
            {
                case (true, 2): Memory.StoreReleaseUInt16(a, 0); break;
                case (true, 4): Memory.StoreReleaseUInt32(a, 0); break;
                case (true, _): Memory.StoreReleaseUInt64(a, 0); break;
                case (false, 2): _ = Memory.LoadAcquireUInt16(a); break;
                case (false, 4): _ = Memory.LoadAcquireUInt32(a); break;
                default: _ = Memory.LoadAcquireUInt64(a); break;
            }

            return "a failing atomic access did not throw";
        }
        catch (GuestMemoryException e)
        {
            return CheckAtomicFault(e, a, size, write);
        }
    }

    private string? CheckAtomicFault(GuestMemoryException e, GuestAddress a, int size, bool write)
    {
        if (a.Value % (ulong)size != 0)
        {
            return e is MisalignedAccessException m && m.Address == a && m.Alignment == size && e.Message.Contains(a.ToString(), StringComparison.Ordinal)
                ? null
                : $"misaligned atomic threw {e.GetType().Name}: {e.Message}";
        }

        return CheckFault(e, a, size, write);
    }

    private string? ThrowingRead(GuestAddress a, int n)
    {
        int prefix = Prefix(a.Value, n, write: false);
        try
        {
            if (n == 8)
            {
                ulong v = Memory.Read<ulong>(a);
                return prefix == 8 && v == BitConverter.ToUInt64(ModelBytes(a.Value, 8)) ? null : "Read<ulong> returned a wrong value or did not throw";
            }

            var buffer = new byte[n];
            Memory.Read(a, buffer);
            return prefix == n && buffer.AsSpan().SequenceEqual(ModelBytes(a.Value, n)) ? null : "Read(span) returned wrong bytes or did not throw";
        }
        catch (GuestMemoryException e)
        {
            return prefix == n ? $"Read threw {e.GetType().Name}: {e.Message}" : CheckFault(e, a, n, write: false);
        }
    }

    private string? ThrowingWrite(GuestAddress a, byte[] data)
    {
        int n = data.Length;
        bool expected = Prefix(a.Value, n, write: true) == n;
        try
        {
            if (n == 8)
            {
                Memory.Write(a, BitConverter.ToUInt64(data));
            }
            else
            {
                Memory.Write(a, data);
            }

            if (!expected)
            {
                return "Write did not throw";
            }

            CommitPrefix(a.Value, data);
            return null;
        }
        catch (GuestMemoryException e)
        {
            return expected ? $"Write threw {e.GetType().Name}: {e.Message}" : CheckFault(e, a, n, write: true);
        }
    }

    private SafeFileHandle File => _file ??= System.IO.File.OpenHandle(
        Path.Combine(Path.GetTempPath(), $"vmm-model-{Guid.NewGuid():n}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);

    /// <summary>pread into guest memory from a file holding <paramref name="data"/>, sometimes cut short to hit end of file.</summary>
    private string? ReadFromFile(GuestAddress a, byte[] data, byte seed)
    {
        int fileLength = seed % 3 == 0 ? Math.Max(0, data.Length - (seed % 20)) : data.Length;
        RandomAccess.SetLength(File, fileLength);
        RandomAccess.Write(File, data.AsSpan(0, fileLength), 0);
        bool expected = Prefix(a.Value, data.Length, write: true) == data.Length;
        try
        {
            int read = Memory.ReadFromFile(File, 0, a, data.Length);
            if (!expected)
            {
                return "ReadFromFile succeeded, model says it fails";
            }

            CommitPrefix(a.Value, data.AsSpan(0, fileLength));
            return read == fileLength ? null : $"ReadFromFile returned {read}, model says {fileLength}";
        }
        catch (GuestMemoryException e)
        {
            return expected ? $"ReadFromFile threw {e.GetType().Name}: {e.Message}" : CheckFault(e, a, data.Length, write: true);
        }
    }

    /// <summary>pwrite from guest memory into an empty file: all of it or, at a hole, nothing.</summary>
    private string? WriteToFile(GuestAddress a, int n)
    {
        RandomAccess.SetLength(File, 0);
        bool expected = Prefix(a.Value, n, write: false) == n;
        try
        {
            Memory.WriteToFile(File, 0, a, n);
            if (!expected)
            {
                return "WriteToFile succeeded, model says it fails";
            }

            var written = new byte[RandomAccess.GetLength(File)];
            RandomAccess.Read(File, written, 0);
            return written.AsSpan().SequenceEqual(ModelBytes(a.Value, n)) ? null : $"WriteToFile wrote {written.Length} different bytes";
        }
        catch (GuestMemoryException e)
        {
            return !expected && RandomAccess.GetLength(File) == 0 ? CheckFault(e, a, n, write: false) : $"WriteToFile threw {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>
    /// The region walk itself: it offers exactly the model's accessible prefix of the range, in pieces that follow one
    /// another, each inside one region and ending only at a region's end, the range's end or the callback's cap; a write
    /// walk marks exactly the pages of the bytes handled.
    /// </summary>
    private string? Walk(GuestAddress a, int n, RegionWalkMode mode, byte seed)
    {
        var access = new RecordingAccess(seed % 4 == 0 ? 1 + (seed % 97) : 0);
        ulong done = Memory.Walk(a.Value, (ulong)n, mode, ref access);
        int expected = Prefix(a.Value, n, write: mode != RegionWalkMode.Read);
        if (done != (ulong)expected)
        {
            return $"Walk({mode}) covered {done} bytes, model says {expected}";
        }

        ulong covered = 0;
        foreach (var (region, offset, length, at) in access.Pieces)
        {
            ulong address = a.Value + at;
            ulong handled = access.Cap > 0 ? Math.Min(length, (ulong)access.Cap) : length;
            bool endsAtRegionEnd = offset + length == region.Size;
            bool endsAtRangeEnd = at + length == (ulong)n;
            if (at != covered || length == 0 || region.GuestBase.Value + offset != address || RegionOf(address) != _placed.FindIndex(p => p.Region == region)
                || offset + length > region.Size || !(endsAtRegionEnd || endsAtRangeEnd))
            {
                return $"Walk({mode}) offered {region} +0x{offset:x} len {length} at {at} after {covered} bytes";
            }

            covered += handled;
        }

        if (mode == RegionWalkMode.Write)
        {
            MarkDirty(a.Value, expected);
        }

        return covered == done ? null : $"Walk({mode}) pieces add up to {covered}, it reported {done}";
    }

    /// <summary>Checks a failed access's exception: the type, the access address and the first inaccessible address, named in the message.</summary>
    private string? CheckFault(GuestMemoryException e, GuestAddress a, int n, bool write)
    {
        int prefix = Prefix(a.Value, n, write);
        UInt128 fault = (UInt128)a.Value + (ulong)prefix;
        if (fault > ulong.MaxValue)
        {
            return e is GuestAddressOverflowException o && o.Address == a && e.Message.Contains(a.ToString(), StringComparison.Ordinal)
                ? null
                : $"expected an overflow error, got {e.GetType().Name}: {e.Message}";
        }

        var faultAddress = new GuestAddress((ulong)fault);
        bool readOnly = write && RegionOf(faultAddress.Value) >= 0;
        if (e is not GuestMemoryAccessException access || access.Address != a || access.FaultAddress != faultAddress || access.Length != (ulong)n)
        {
            return $"expected an access error at {faultAddress}, got {e.GetType().Name}: {e.Message}";
        }

        if (readOnly != e is ReadOnlyGuestMemoryException)
        {
            return $"read-only fault expected: {readOnly}, got {e.GetType().Name}";
        }

        return e.Message.Contains(faultAddress.ToString(), StringComparison.Ordinal) ? null : $"message does not name {faultAddress}: {e.Message}";
    }
}
