using Vmm.Memory;

namespace Vmm.Virtio.Tests;

internal static class GuestMemoryExtensions
{
    public static byte[] Read(this GuestMemory memory, GuestAddress address, uint length)
    {
        var bytes = new byte[length];
        memory.Read(address, bytes);
        return bytes;
    }
}
