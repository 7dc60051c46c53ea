namespace Vmm.Memory.Access;

/// <summary>Which regions a walk may enter and whether it marks the bytes handled as dirty.</summary>
internal enum RegionWalkMode
{
    /// <summary>Any region; nothing is marked.</summary>
    Read,

    /// <summary>Writable regions only (the walk stops at a read-only one); the bytes handled are marked dirty after the callback returns.</summary>
    Write,

    /// <summary>Writable regions only, nothing marked: checks whether a write could be done.</summary>
    ProbeWrite,
}
