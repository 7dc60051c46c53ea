using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>struct epoll_event (packed on x86-64).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct EpollEvent
{
    internal uint Events;
    internal ulong Data;
}
