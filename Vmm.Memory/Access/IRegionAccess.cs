namespace Vmm.Memory.Access;

/// <summary>
/// What <see cref="GuestMemory"/>'s region walk does with each piece of a guest range: the walk finds the region
/// holding the next byte and offers the part of the range inside it. Implemented by structs (held by <c>ref</c>,
/// so a generic instantiation per access kind is compiled and inlined: no allocation, no indirect call).
/// </summary>
internal interface IRegionAccess
{
    /// <summary>
    /// Handles <paramref name="length"/> bytes (at least one) at <paramref name="offset"/> in <paramref name="region"/>,
    /// which are bytes [<paramref name="done"/>, +<paramref name="length"/>) of the access. Returns how many of them it
    /// handled: 0 stops the walk, fewer than offered make the walk continue after the bytes handled.
    /// The walk never offers more than the access's length, so an access of at most <see cref="int.MaxValue"/> bytes
    /// (a span) gets pieces that fit an <see cref="int"/>.
    /// </summary>
    ulong Access(MemoryRegion region, ulong offset, ulong length, ulong done);
}
