using Vmm.Memory.Access;

namespace Vmm.Memory.Tests.Model;

/// <summary>
/// A region-walk callback that touches nothing and records each piece it is offered; with a <see cref="Cap"/> it handles
/// at most that many bytes per call, so the walk has to continue inside a region.
/// </summary>
internal readonly struct RecordingAccess(int cap) : IRegionAccess
{
    public int Cap { get; } = cap;

    public List<(MemoryRegion Region, ulong Offset, ulong Length, ulong Done)> Pieces { get; } = [];

    public ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done)
    {
        Pieces.Add((region, offset, length, done));
        return Cap > 0 ? Math.Min(length, (ulong)Cap) : length;
    }
}
