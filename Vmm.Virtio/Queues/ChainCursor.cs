using Vmm.Memory;

namespace Vmm.Virtio;

/// <summary>A position inside one part (readable or writable) of a chain, shared by the reader and the writer.</summary>
internal struct ChainCursor
{
    private readonly DescriptorChain _chain;
    private int _index;
    private uint _offset;

    internal ChainCursor(DescriptorChain chain, int start, uint length)
    {
        _chain = chain;
        _index = start;
        Remaining = length;
    }

    internal uint Remaining { get; private set; }

    /// <summary>
    /// The guest address of the current position and the bytes left in its descriptor. Requires <see cref="Remaining"/> &gt; 0.
    /// False when the descriptor's buffer wraps past the top of the address space (it cannot be guest memory).
    /// </summary>
    internal bool TryCurrent(out GuestAddress address, out uint available)
    {
        var descriptors = _chain.Descriptors;
        while (descriptors[_index].Length == _offset)
        {
            _index++;
            _offset = 0;
        }

        var d = descriptors[_index];
        available = d.Length - _offset;
        address = new GuestAddress(d.Address.Value + _offset);
        return d.Address.Value <= ulong.MaxValue - (d.Length - 1);
    }

    internal void Advance(uint count)
    {
        _offset += count;
        Remaining -= count;
    }

    /// <summary>Moves forward <paramref name="count"/> bytes; false (not moved) when fewer remain.</summary>
    internal bool TrySkip(uint count)
    {
        if (count > Remaining)
        {
            return false;
        }

        while (count > 0)
        {
            TryCurrent(out _, out uint available);
            uint n = Math.Min(count, available);
            Advance(n);
            count -= n;
        }

        return true;
    }

    /// <summary>Bytes from <paramref name="address"/> to the end of its memory region, capped at <paramref name="wanted"/>; 0 when not backed.</summary>
    internal static int ContiguousLength(GuestMemory memory, GuestAddress address, uint wanted)
    {
        if (!memory.TryFindRegion(address, out var region))
        {
            return 0;
        }

        ulong inRegion = region.LastAddress.Value - address.Value + 1;
        return (int)Math.Min(Math.Min(inRegion, wanted), int.MaxValue);
    }
}
