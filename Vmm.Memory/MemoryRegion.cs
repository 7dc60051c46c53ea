using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Vmm.Memory.Interop;

namespace Vmm.Memory;

/// <summary>
/// A page-aligned block of guest-physical memory backed by one host <c>mmap</c>. The region owns
/// its mapping (and its memfd, if any) and unmaps it exactly once, when its last reference goes.
/// </summary>
/// <remarks>
/// <para>
/// The mapping is reference-counted, like rust-vmm's <c>Arc</c> regions: the creator holds one reference, given up by
/// <see cref="Dispose"/>, and every <see cref="GuestMemory"/> snapshot that contains the region holds one more, given up
/// when the snapshot's own last reference goes. So a snapshot taken before a hot-remove can still be used after the
/// creator disposed the region; the memory is unmapped (and <see cref="IsDisposed"/> turns true) once that snapshot is
/// released too.
/// </para>
/// <para>
/// What the counts do not see is the creator's responsibility: a KVM memory slot (<see cref="HostAddress"/>) must be
/// removed before the last snapshot holding the region is released, and spans from <see cref="GetReadOnlySpan"/> and
/// <see cref="GetWritableSpan"/> must not outlive the caller's reference (the creator's, or a snapshot's).
/// </para>
/// </remarks>
public sealed unsafe class MemoryRegion : IDisposable
{
    private readonly MappingHandle _mapping;
    private readonly byte* _host;
    private readonly bool _ownsFile;

    // One reference for the creator (given up by Dispose, once) plus one per GuestMemory snapshot holding the region.
    private int _references = 1;
    private int _creatorReleased;

    private MemoryRegion(GuestAddress guestBase, ulong size, MappingHandle mapping, SafeFileHandle? file, bool ownsFile, long fileOffset, MemoryRegionOptions options)
    {
        _ownsFile = ownsFile;
        GuestBase = guestBase;
        Size = size;
        _mapping = mapping;
        _host = (byte*)mapping.DangerousGetHandle();
        File = file;
        FileOffset = fileOffset;
        Options = options;
        DirtyPages = options.TrackDirtyPages ? new DirtyBitmap(size) : null;
        IsWritable = !options.ReadOnly;
    }

    /// <summary>The guest-physical address of the first byte.</summary>
    public GuestAddress GuestBase { get; }

    /// <summary>The size in bytes (a multiple of the page size).</summary>
    public ulong Size { get; }

    /// <summary>The guest-physical range the region covers.</summary>
    public GuestRange Range => new(GuestBase, Size);

    /// <summary>The last guest-physical address inside the region.</summary>
    public GuestAddress LastAddress => new(GuestBase.Value + (Size - 1));

    /// <summary>The host virtual address of the first byte, for KVM memory slots.</summary>
    public nint HostAddress
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mapping.IsClosed, this);
            return (nint)_host;
        }
    }

    /// <summary>The file descriptor behind the mapping (memfd or user file), or null for anonymous memory.</summary>
    public SafeFileHandle? File { get; }

    /// <summary>The offset of the mapping within <see cref="File"/>.</summary>
    public long FileOffset { get; }

    /// <summary>The options the region was created with.</summary>
    public MemoryRegionOptions Options { get; }

    /// <summary>The dirty page bitmap, or null when dirty tracking is off.</summary>
    public DirtyBitmap? DirtyPages { get; }

    /// <summary>Whether the mapping is gone: the creator disposed the region and no snapshot holds it any more.</summary>
    public bool IsDisposed => _mapping.IsClosed;

    /// <summary>The references still held: the creator's (until <see cref="Dispose"/>) and one per live snapshot holding the region.</summary>
    internal int ReferenceCount => Volatile.Read(ref _references);

    internal byte* Host => _host;

    /// <summary>False for read-only mappings: the access API refuses to write them instead of faulting on the host.</summary>
    internal bool IsWritable { get; }

    /// <summary>Maps anonymous memory (private, or shared when <see cref="MemoryRegionOptions.Shared"/>).</summary>
    public static MemoryRegion CreateAnonymous(GuestAddress guestBase, ulong size, MemoryRegionOptions? options = null)
    {
        options ??= MemoryRegionOptions.Default;
        ValidateGeometry(guestBase, size);
        if (options.ReadOnly)
        {
            throw new ArgumentException("Anonymous memory cannot be read-only.", nameof(options));
        }

        int flags = Libc.MapAnonymous | (options.Shared ? Libc.MapShared : Libc.MapPrivate);
        if (options.HugePages == HugePageMode.HugeTlbFs)
        {
            flags |= Libc.MapHugeTlb;
        }

        var mapping = Map(size, Libc.ProtRead | Libc.ProtWrite, flags, -1, 0, options);
        return new MemoryRegion(guestBase, size, mapping, null, ownsFile: false, 0, options);
    }

    /// <summary>
    /// Creates a memfd of <paramref name="size"/> bytes and maps it shared, so the memory can be
    /// handed to another process or saved for a snapshot through <see cref="File"/>.
    /// </summary>
    public static MemoryRegion CreateMemfd(GuestAddress guestBase, ulong size, string name, MemoryRegionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options = (options ?? MemoryRegionOptions.Default) with { Shared = true };
        ValidateGeometry(guestBase, size);
        uint memfdFlags = Libc.MfdCloexec | (options.HugePages == HugePageMode.HugeTlbFs ? Libc.MfdHugeTlb : 0);
        int fd = Libc.MemfdCreate(name, memfdFlags);
        if (fd < 0)
        {
            throw OsError("memfd_create");
        }

        var file = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Libc.Ftruncate(fd, checked((long)size)) != 0)
            {
                throw OsError("ftruncate");
            }

            var mapping = Map(size, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared, fd, 0, options);
            return new MemoryRegion(guestBase, size, mapping, file, ownsFile: true, 0, options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Maps <paramref name="size"/> bytes of <paramref name="file"/> from <paramref name="fileOffset"/>.
    /// The region does not take ownership of the file handle.
    /// </summary>
    public static MemoryRegion MapFile(GuestAddress guestBase, SafeFileHandle file, long fileOffset, ulong size, MemoryRegionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        options ??= MemoryRegionOptions.Default with { Shared = true };
        ValidateGeometry(guestBase, size);
        if (fileOffset < 0 || (fileOffset & (Libc.PageSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fileOffset), fileOffset, "The file offset must be a non-negative multiple of the page size.");
        }

        // Touching a page of a mapping past the end of its file raises SIGBUS, which would kill the VMM.
        long fileLength = RandomAccess.GetLength(file);
        if (fileOffset > fileLength || size > (ulong)(fileLength - fileOffset))
        {
            throw new ArgumentException($"The file holds 0x{fileLength:x} bytes; a region of 0x{size:x} bytes at file offset 0x{fileOffset:x} does not fit.", nameof(size));
        }

        int prot = Libc.ProtRead | (options.ReadOnly ? 0 : Libc.ProtWrite);
        int flags = options.Shared ? Libc.MapShared : Libc.MapPrivate;
        bool added = false;
        file.DangerousAddRef(ref added);
        try
        {
            var mapping = Map(size, prot, flags, (int)file.DangerousGetHandle(), fileOffset, options);
            return new MemoryRegion(guestBase, size, mapping, file, ownsFile: false, fileOffset, options);
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// A read-only span over <paramref name="length"/> bytes of the region from <paramref name="offset"/> (any region,
    /// read-only ones included). The span is valid only while the caller holds a reference to the region.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The mapping is gone.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the region.</exception>
    public ReadOnlySpan<byte> GetReadOnlySpan(ulong offset, int length) => new(Locate(offset, length), length);

    /// <summary>
    /// A writable span over <paramref name="length"/> bytes of the region from <paramref name="offset"/>.
    /// The span is valid only while the caller holds a reference to the region. Writes through it are not dirty-tracked
    /// (unlike <see cref="GuestMemory.TryGetWritableSpan"/>): mark <see cref="DirtyPages"/> yourself if it matters.
    /// </summary>
    /// <exception cref="ReadOnlyGuestMemoryException">The region is mapped read-only (and the span not empty): a write through it would fault on the host.</exception>
    /// <exception cref="ObjectDisposedException">The mapping is gone.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the region.</exception>
    public Span<byte> GetWritableSpan(ulong offset, int length)
    {
        byte* p = Locate(offset, length);
        if (!IsWritable && length > 0)
        {
            var address = new GuestAddress(GuestBase.Value + offset);
            throw new ReadOnlyGuestMemoryException(address, (ulong)length, address);
        }

        return new Span<byte>(p, length);
    }

    /// <summary>Whether <paramref name="address"/> lies inside the region.</summary>
    public bool Contains(GuestAddress address) => address.Value >= GuestBase.Value && address.Value - GuestBase.Value < Size;

    /// <summary>
    /// Gives up the creator's reference (once; later calls do nothing). When no <see cref="GuestMemory"/> snapshot holds
    /// the region any more, this unmaps the memory and closes a memfd the region created; otherwise the last snapshot
    /// holding it does, when it is released.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _creatorReleased, 1) == 0)
        {
            ReleaseReference();
        }
    }

    /// <summary>Adds a reference for a snapshot, unless the mapping is already gone; true when it did.</summary>
    internal bool TryAddReference() => ReferenceCounting.TryAdd(ref _references);

    /// <summary>Gives up a reference; the last one unmaps the memory and closes a memfd the region created.</summary>
    internal void ReleaseReference()
    {
        if (!ReferenceCounting.TryRemove(ref _references, out bool last))
        {
            throw new InvalidOperationException($"{this} was released more often than referenced.");
        }

        if (last)
        {
            _mapping.Dispose();
            if (_ownsFile)
            {
                File?.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"MemoryRegion {Range}";

    private byte* Locate(ulong offset, int length)
    {
        ObjectDisposedException.ThrowIf(_mapping.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > Size || (ulong)length > Size - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"[0x{offset:x}, +0x{length:x}) is outside the region's 0x{Size:x} bytes.");
        }

        return _host + offset;
    }

    /// <summary>
    /// Gives the pages of [<paramref name="offset"/>, +<paramref name="length"/>) back to the host (a balloon inflating,
    /// free-page reporting): the next guest access reads zeros from a freshly faulted page. Private anonymous memory is
    /// dropped with <c>madvise(MADV_DONTNEED)</c>; shared anonymous memory and a memfd the region created are freed with
    /// <c>MADV_REMOVE</c> (their pages live in shmem, which DONTNEED would only unmap). The discarded pages are marked
    /// dirty when dirty tracking is on (their content changed).
    /// </summary>
    /// <returns>
    /// False, touching nothing, when the range is empty, not page-aligned or not inside the region, or when the region's
    /// memory cannot be discarded: read-only, a file the caller mapped (its data would be lost or reappear), or hugetlbfs
    /// pages (discardable only in whole huge pages).
    /// </returns>
    /// <exception cref="ObjectDisposedException">The region is disposed.</exception>
    /// <exception cref="IOException">madvise failed on a valid range.</exception>
    public bool TryDiscard(ulong offset, ulong length)
    {
        ObjectDisposedException.ThrowIf(_mapping.IsClosed, this);
        const ulong pageMask = Libc.PageSize - 1;
        bool discardable = IsWritable && (File is null || _ownsFile) && Options.HugePages != HugePageMode.HugeTlbFs;
        if (!discardable || length == 0 || ((offset | length) & pageMask) != 0 || offset > Size || length > Size - offset)
        {
            return false;
        }

        int advice = Options.Shared ? Libc.MadvRemove : Libc.MadvDontNeed;
        while (Libc.Madvise((nint)(_host + offset), (nuint)length, advice) != 0)
        {
            if (Marshal.GetLastPInvokeError() != Libc.EINTR)
            {
                throw OsError(advice == Libc.MadvRemove ? "madvise(MADV_REMOVE)" : "madvise(MADV_DONTNEED)");
            }
        }

        DirtyPages?.MarkUnchecked(offset, length);
        return true;
    }

    private static void ValidateGeometry(GuestAddress guestBase, ulong size)
    {
        if (size == 0 || (size & (Libc.PageSize - 1)) != 0)
        {
            throw new InvalidRegionLayoutException($"A region's size must be a non-zero multiple of {Libc.PageSize} bytes; got 0x{size:x}.");
        }

        if (!guestBase.IsAligned(Libc.PageSize))
        {
            throw new InvalidRegionLayoutException($"A region must start on a page boundary; got {guestBase}.");
        }

        if (!GuestRange.TryCreate(guestBase, size, out _))
        {
            throw new GuestAddressOverflowException(guestBase, size);
        }

        if (size > (ulong)nint.MaxValue)
        {
            throw new InvalidRegionLayoutException($"A region of 0x{size:x} bytes cannot be mapped.");
        }
    }

    private static MappingHandle Map(ulong size, int prot, int flags, int fd, long offset, MemoryRegionOptions options)
    {
        // hugetlbfs pages are reserved at mmap time unless MAP_NORESERVE is given; without the reservation an
        // empty pool makes mmap succeed and the first touch of a page raise SIGBUS, killing the VMM.
        if (options.NoReserve && options.HugePages != HugePageMode.HugeTlbFs)
        {
            flags |= Libc.MapNoReserve;
        }

        nint address = Libc.Mmap(0, (nuint)size, prot, flags, fd, offset);
        if (address == Libc.MapFailed)
        {
            throw OsError("mmap");
        }

        var mapping = new MappingHandle(address, (nuint)size);
        try
        {
            if (options.DontFork && Libc.Madvise(address, (nuint)size, Libc.MadvDontFork) != 0)
            {
                throw OsError("madvise(MADV_DONTFORK)");
            }

            if (options.HugePages == HugePageMode.Transparent && Libc.Madvise(address, (nuint)size, Libc.MadvHugePage) != 0)
            {
                throw OsError("madvise(MADV_HUGEPAGE)");
            }

            return mapping;
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    private static IOException OsError(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }
}
