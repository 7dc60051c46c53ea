using System.Runtime.InteropServices;

namespace Vmm.Tests.Shared;

/// <summary>An AF_PACKET raw socket bound to one interface: sends frames out of it and sees the frames it receives.</summary>
public sealed unsafe class PacketSocket : IDisposable
{
    private int _fd;

    internal PacketSocket(int fd) => _fd = fd;

    /// <summary>Sends one frame (prefixed by a virtio_net_hdr when opened with one).</summary>
    public void Send(ReadOnlySpan<byte> frame)
    {
        fixed (byte* p = frame)
        {
            if (SandboxInterop.Send(_fd, p, (nuint)frame.Length, 0) != frame.Length)
            {
                throw new IOException($"send on the packet socket failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    /// <summary>Receives one frame into <paramref name="buffer"/>; its length, or −1 when none came within <paramref name="timeoutMs"/>.</summary>
    public int Receive(Span<byte> buffer, int timeoutMs)
    {
        var pfd = new SandboxInterop.PollFd { Fd = _fd, Events = SandboxInterop.POLLIN };
        if (SandboxInterop.Poll(&pfd, 1, timeoutMs) <= 0)
        {
            return -1;
        }

        fixed (byte* p = buffer)
        {
            return (int)SandboxInterop.Recv(_fd, p, (nuint)buffer.Length, 0);
        }
    }

    /// <summary>Receives frames until one satisfies <paramref name="match"/>; its bytes, or null at the deadline.</summary>
    public byte[]? ReceiveMatching(Func<byte[], bool> match, int timeoutMs)
    {
        var buffer = new byte[70000];
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int left = (int)Math.Max(0, deadline - Environment.TickCount64);
            int n = Receive(buffer, left);
            if (n < 0)
            {
                return null;
            }

            var frame = buffer[..n];
            if (match(frame))
            {
                return frame;
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            SandboxInterop.Close(_fd);
            _fd = -1;
        }
    }
}
