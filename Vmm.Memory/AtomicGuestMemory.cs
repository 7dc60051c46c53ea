namespace Vmm.Memory;

/// <summary>
/// The current <see cref="GuestMemory"/> snapshot of a VM, replaced atomically when regions are
/// hot-added or removed. Readers never lock; writers are serialised among themselves only.
/// </summary>
/// <remarks>
/// <para>
/// The object holds its own reference to the snapshot it publishes (it never takes over the caller's) and gives it up
/// when it publishes the next one, or on <see cref="Dispose"/>.
/// </para>
/// <para>
/// A reader that keeps using a snapshot while regions may be removed (a virtio queue, a vCPU exit handler) takes a
/// reference with <see cref="Acquire"/> and gives it up with <see cref="GuestMemory.Release"/> when it moves to a newer
/// snapshot: the regions it can see stay mapped until then, even if a hot-remove disposed them meanwhile. Accesses through
/// the acquired snapshot cost nothing extra. <see cref="Current"/> is a peek without a reference, for code that runs
/// while no snapshot can be replaced, or that only looks at the layout.
/// </para>
/// </remarks>
public sealed class AtomicGuestMemory : IDisposable
{
    private readonly Lock _writerLock = new();
    private GuestMemory _current;
    private bool _disposed;

    /// <summary>Starts with <paramref name="initial"/> as the current snapshot, taking a reference of its own to it.</summary>
    /// <exception cref="ObjectDisposedException">Every reference to <paramref name="initial"/> is gone.</exception>
    public AtomicGuestMemory(GuestMemory initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial.Acquire();
    }

    /// <summary>
    /// The current snapshot, without a reference: valid only until the next replacement releases it. Use
    /// <see cref="Acquire"/> to keep using a snapshot while writers may replace it.
    /// </summary>
    public GuestMemory Current => Volatile.Read(ref _current);

    /// <summary>
    /// The current snapshot with a reference for the caller, who gives it up with <see cref="GuestMemory.Release"/>.
    /// Lock-free: it retries when a writer releases the snapshot it just read.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This object has been disposed.</exception>
    public GuestMemory Acquire()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var snapshot = Volatile.Read(ref _current);
        while (!snapshot.TryAcquire())
        {
            // A writer published a newer snapshot and released this one; only Dispose releases the published one.
            var next = Volatile.Read(ref _current);
            ObjectDisposedException.ThrowIf(ReferenceEquals(next, snapshot), this);
            snapshot = next;
        }

        return snapshot;
    }

    /// <summary>
    /// Publishes a snapshot with <paramref name="region"/> added and returns it (without a reference for the caller, as <see cref="Current"/>).
    /// The new snapshot holds a reference to the region.
    /// </summary>
    /// <exception cref="InvalidRegionLayoutException">The region overlaps one already present, or is disposed.</exception>
    public GuestMemory AddRegion(MemoryRegion region)
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Publish(_current.WithRegion(region));
        }
    }

    /// <summary>
    /// Publishes a snapshot without <paramref name="region"/> and returns it (without a reference for the caller, as <see cref="Current"/>).
    /// The region can be disposed right away: it stays mapped until the readers that acquired an older snapshot release it.
    /// </summary>
    /// <exception cref="ArgumentException">The region is not part of the current snapshot.</exception>
    public GuestMemory RemoveRegion(MemoryRegion region)
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Publish(_current.WithoutRegion(region));
        }
    }

    /// <summary>
    /// Publishes <paramref name="next"/> (taking a reference of its own to it) and returns the snapshot it replaced,
    /// handing this object's reference to it over to the caller, who gives it up with <see cref="GuestMemory.Release"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Every reference to <paramref name="next"/> is gone, or this object has been disposed.</exception>
    public GuestMemory Replace(GuestMemory next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var previous = _current;
            Volatile.Write(ref _current, next.Acquire());
            return previous;
        }
    }

    /// <summary>Gives up this object's reference to the current snapshot (once). Readers that acquired it keep theirs.</summary>
    public void Dispose()
    {
        lock (_writerLock)
        {
            if (!_disposed)
            {
                _disposed = true;
                _current.Release();
            }
        }
    }

    /// <summary>Publishes <paramref name="next"/>, made by this object, and releases the previous snapshot.</summary>
    private GuestMemory Publish(GuestMemory next)
    {
        // Trade the creator's reference for a counted one, like every other snapshot this object holds.
        next.Acquire();
        next.Dispose();
        var previous = _current;
        Volatile.Write(ref _current, next);
        previous.Release();
        return next;
    }
}
