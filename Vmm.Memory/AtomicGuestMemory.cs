namespace Vmm.Memory;

/// <summary>
/// The current <see cref="GuestMemory"/> snapshot of a VM, replaced atomically when regions are
/// hot-added or removed. Readers take <see cref="Current"/> without locking and keep using the
/// snapshot they took; writers are serialised among themselves only.
/// </summary>
public sealed class AtomicGuestMemory
{
    private readonly Lock _writerLock = new();
    private GuestMemory _current;

    /// <summary>Starts with <paramref name="initial"/> as the current snapshot.</summary>
    public AtomicGuestMemory(GuestMemory initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
    }

    /// <summary>The current snapshot.</summary>
    public GuestMemory Current => Volatile.Read(ref _current);

    /// <summary>Publishes a snapshot with <paramref name="region"/> added and returns it.</summary>
    public GuestMemory AddRegion(MemoryRegion region)
    {
        lock (_writerLock)
        {
            var next = _current.WithRegion(region);
            Volatile.Write(ref _current, next);
            return next;
        }
    }

    /// <summary>Publishes a snapshot without <paramref name="region"/> and returns it. Dispose the region only once no reader uses the old snapshot.</summary>
    public GuestMemory RemoveRegion(MemoryRegion region)
    {
        lock (_writerLock)
        {
            var next = _current.WithoutRegion(region);
            Volatile.Write(ref _current, next);
            return next;
        }
    }

    /// <summary>Publishes <paramref name="next"/> and returns the snapshot it replaced.</summary>
    public GuestMemory Replace(GuestMemory next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_writerLock)
        {
            var previous = _current;
            Volatile.Write(ref _current, next);
            return previous;
        }
    }
}
