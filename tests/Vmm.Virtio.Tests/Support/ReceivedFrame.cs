using Vmm.Virtio.Net;

namespace Vmm.Virtio.Tests.Support;

/// <summary>A frame the device delivered: its header, the frame bytes after it, the buffers it spanned, the first buffer's used length.</summary>
public sealed record ReceivedFrame(VirtioNetHeader Header, byte[] Frame, int Buffers, uint FirstUsedLength);
