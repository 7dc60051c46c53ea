namespace Vmm.Kvm;

/// <summary>epoll event bits (EPOLL*).</summary>
[Flags]
public enum EventKinds : uint
{
    /// <summary>No events.</summary>
    None = 0,

    /// <summary>EPOLLIN: readable.</summary>
    Readable = 0x001,

    /// <summary>EPOLLPRI: urgent data.</summary>
    Priority = 0x002,

    /// <summary>EPOLLOUT: writable.</summary>
    Writable = 0x004,

    /// <summary>EPOLLERR: error (always reported).</summary>
    Error = 0x008,

    /// <summary>EPOLLHUP: hang-up (always reported).</summary>
    HangUp = 0x010,

    /// <summary>EPOLLRDHUP: peer closed its writing end.</summary>
    ReadHangUp = 0x2000,

    /// <summary>EPOLLET: edge-triggered.</summary>
    EdgeTriggered = 0x80000000,
}
