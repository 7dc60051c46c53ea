using System.Runtime.CompilerServices;

namespace Vmm.Devices;

/// <summary>
/// The address-space core shared by <see cref="PioBus"/> and <see cref="MmioBus"/>: an immutable array of
/// registrations sorted by base address, replaced as a whole on every change. Readers load the current array
/// once and binary-search it without locking; writers serialise on a lock, build a new array and publish it.
/// </summary>
internal sealed class DeviceBus<TDevice>
    where TDevice : class
{
    private readonly ulong _lastAddress;
    private readonly string _spaceName;
    private readonly Lock _writeLock = new();
    private Entry[] _entries = [];

    public DeviceBus(ulong lastAddress, string spaceName)
    {
        _lastAddress = lastAddress;
        _spaceName = spaceName;
    }

    public int Count => Volatile.Read(ref _entries).Length;

    public void Register(ulong baseAddress, ulong length, TDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (length == 0)
        {
            throw new InvalidBusRangeException($"Cannot register a device on an empty {_spaceName} range at 0x{baseAddress:x}.");
        }

        if (baseAddress > _lastAddress || length - 1 > _lastAddress - baseAddress)
        {
            throw new InvalidBusRangeException(
                $"The {_spaceName} range at 0x{baseAddress:x} of length 0x{length:x} runs past the end of the address space (0x{_lastAddress:x}).");
        }

        ulong last = baseAddress + (length - 1);
        lock (_writeLock)
        {
            var current = _entries;
            int index = LowerBound(current, baseAddress);
            if (index > 0 && current[index - 1].Last >= baseAddress)
            {
                throw Conflict(current[index - 1], baseAddress, last);
            }

            if (index < current.Length && current[index].Base <= last)
            {
                throw Conflict(current[index], baseAddress, last);
            }

            var next = new Entry[current.Length + 1];
            Array.Copy(current, next, index);
            next[index] = new Entry(baseAddress, last, device);
            Array.Copy(current, index, next, index + 1, current.Length - index);
            Volatile.Write(ref _entries, next);
        }
    }

    public bool Unregister(ulong baseAddress, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TDevice? device)
    {
        lock (_writeLock)
        {
            var current = _entries;
            int index = LowerBound(current, baseAddress);
            if (index == current.Length || current[index].Base != baseAddress)
            {
                device = null;
                return false;
            }

            device = current[index].Device;
            var next = new Entry[current.Length - 1];
            Array.Copy(current, next, index);
            Array.Copy(current, index + 1, next, index, next.Length - index);
            Volatile.Write(ref _entries, next);
            return true;
        }
    }

    /// <summary>Finds the device holding the whole access [<paramref name="address"/>, +<paramref name="length"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BusAccessResult Resolve(ulong address, int length, out TDevice? device, out ulong offset)
    {
        var entries = Volatile.Read(ref _entries);
        int lo = 0;
        int hi = entries.Length - 1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            ref readonly var entry = ref entries[mid];
            if (address < entry.Base)
            {
                hi = mid - 1;
            }
            else if (address > entry.Last)
            {
                lo = mid + 1;
            }
            else
            {
                offset = address - entry.Base;
                if (length <= 0)
                {
                    break;
                }

                if ((ulong)(length - 1) > entry.Last - address)
                {
                    device = null;
                    return BusAccessResult.CrossesDeviceBoundary;
                }

                device = entry.Device;
                return BusAccessResult.Handled;
            }
        }

        device = null;
        offset = 0;
        return BusAccessResult.NoDevice;
    }

    /// <summary>The index of the first entry whose base is at or above <paramref name="address"/>.</summary>
    private static int LowerBound(Entry[] entries, ulong address)
    {
        int lo = 0;
        int hi = entries.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (entries[mid].Base < address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private BusRangeConflictException Conflict(Entry existing, ulong baseAddress, ulong last) =>
        new($"The {_spaceName} range 0x{baseAddress:x}-0x{last:x} overlaps the registered range 0x{existing.Base:x}-0x{existing.Last:x} ({existing.Device.GetType().Name}).");

    private readonly record struct Entry(ulong Base, ulong Last, TDevice Device);
}
