using Vmm.Virtio.Vsock;

namespace Vmm.Virtio.Tests.Support;

/// <summary>A packet the device put on the receive queue, as the guest driver sees it.</summary>
public sealed record VsockPacket(VsockHeader Header, byte[] Payload, uint UsedLength)
{
    public VsockOperation Operation => Header.Operation;

    public override string ToString() => $"{Header.Operation} {Header.SourceCid}:{Header.SourcePort}->{Header.DestinationCid}:{Header.DestinationPort} len={Header.Length} flags={Header.Flags} buf_alloc={Header.BufferAllocation} fwd_cnt={Header.ForwardCount} used={UsedLength}";
}
