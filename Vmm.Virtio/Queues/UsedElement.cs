using System.Runtime.InteropServices;

namespace Vmm.Virtio;

/// <summary>One entry of the used ring as it lies in guest memory: the head index of a chain and the bytes written into it.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct UsedElement(uint Id, uint Length)
{
    /// <summary>The size of a used element in guest memory.</summary>
    public const int Size = 8;
}
