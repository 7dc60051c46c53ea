using System.Net.Sockets;

namespace Vmm.Virtio.Vsock;

// virtio-vsock, device → guest: packets into the receive queue (resets, control, host data within credit) and the event queue.
public sealed partial class VirtioVsock
{
    private void ServiceReceive()
    {
        if (Context is not { } context || !context.Queues[ReceiveQueue].IsReady)
        {
            return;
        }

        var queue = context.Queues[ReceiveQueue];
        bool completed = false;
        while (_resets.Count > 0 || _receiveWork.Head is not null)
        {
            if (!TryTakeReceiveChain(context, queue, ref completed))
            {
                break;
            }

            uint used = FillPacket(_heldChain);
            if (_rejectChain)
            {
                // The chain cannot carry data (too small, or its buffers are not guest memory): give it back empty.
                _rejectChain = false;
                _holdingChain = false;
                _malformedChains++;
                if (!queue.TryComplete(context, _heldChain.HeadIndex, 0, ref completed))
                {
                    break;
                }

                continue;
            }

            if (used == 0)
            {
                // Nobody had anything after all (the work list is empty now): the chain stays held for the next packet.
                continue;
            }

            _holdingChain = false;
            if (!queue.TryComplete(context, _heldChain.HeadIndex, used, ref completed))
            {
                break;
            }

            _rxPackets++;
        }

        if (completed)
        {
            context.SignalUsedQueue(ReceiveQueue);
        }
    }

    /// <summary>
    /// Makes <see cref="_heldChain"/> a receive chain with room for a header: the one held from an earlier call (a chain
    /// popped for a connection that then had nothing to send is kept for the next packet), or a newly popped one.
    /// Malformed chains go back with length 0.
    /// </summary>
    private bool TryTakeReceiveChain(VirtioDeviceContext context, SplitQueue queue, ref bool completed)
    {
        if (_holdingChain)
        {
            return true;
        }

        while (queue.TryPopUsable(context, ref completed, ref _malformedChains, out var chain))
        {
            var writer = chain.CreateWriter();
            if (chain.ReadableCount == 0 && chain.WritableLength >= VsockHeader.Size && writer.TryWrite(default(VsockHeader)))
            {
                _heldChain = chain;
                _holdingChain = true;
                return true;
            }

            _malformedChains++;
            if (!queue.TryComplete(context, chain.HeadIndex, 0, ref completed))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Writes the next packet for the guest into <paramref name="chain"/>: a pending reset first, then the next connection's turn. Returns the used length, 0 when nobody had anything.</summary>
    private uint FillPacket(in DescriptorChain chain)
    {
        if (_resets.TryDequeue(out ulong ports))
        {
            _resetsSent++;
            return WriteHeader(chain, NewHeader(null, VsockOperation.Reset, (uint)(ports >> 32), (uint)ports));
        }

        while (_receiveWork.Head is { } connection)
        {
            uint used = FillFrom(connection, chain);
            if (_rejectChain)
            {
                return 0;
            }

            if (!connection.Closed)
            {
                if (used > 0 && connection.HasReceiveWork)
                {
                    _receiveWork.MoveToBack(connection);
                }
                else
                {
                    // Its turn produced nothing or was its last: off the list; readiness brings it back.
                    _receiveWork.Remove(connection);
                    connection.HostReadable &= used > 0;
                }

                UpdateInterest(connection);
            }

            if (used > 0)
            {
                return used;
            }

            if (_resets.TryDequeue(out ports))
            {
                // The connection failed while reading and was reset.
                _resetsSent++;
                return WriteHeader(chain, NewHeader(null, VsockOperation.Reset, (uint)(ports >> 32), (uint)ports));
            }
        }

        return 0;
    }

    private uint FillFrom(VsockConnection connection, in DescriptorChain chain)
    {
        var control = connection.Control;
        if ((control & VsockControl.Request) != 0)
        {
            connection.Control &= ~VsockControl.Request;
            return WriteHeader(chain, NewHeader(connection, VsockOperation.Request));
        }

        if ((control & VsockControl.Response) != 0)
        {
            connection.Control &= ~VsockControl.Response;
            return WriteHeader(chain, NewHeader(connection, VsockOperation.Response));
        }

        if (connection.HostReadable && connection.WantsHostData)
        {
            uint used = ReadFromHost(connection, chain);
            if (used > 0 || connection.Closed)
            {
                return used;
            }
        }

        if ((connection.Control & VsockControl.CreditUpdate) != 0)
        {
            return WriteHeader(chain, NewHeader(connection, VsockOperation.CreditUpdate));
        }

        if ((connection.Control & VsockControl.Shutdown) != 0)
        {
            connection.Control &= ~VsockControl.Shutdown;
            var header = NewHeader(connection, VsockOperation.Shutdown);
            header.Flags = (uint)VsockShutdownFlags.Send;
            uint used = WriteHeader(chain, header);
            AfterGuestProgress(connection);
            return used;
        }

        return 0;
    }

    /// <summary>Reads the host socket straight into the chain after the header, within the guest's credit; the used length, or 0 when nothing came.</summary>
    private uint ReadFromHost(VsockConnection connection, in DescriptorChain chain)
    {
        uint budget = Math.Min(Math.Min(chain.WritableLength - VsockHeader.Size, connection.PeerCredit), MaxPacketPayload);
        if (budget == 0)
        {
            _rejectChain = true;
            return 0;
        }

        var writer = chain.CreateWriter();
        _ = writer.TrySkip(VsockHeader.Size);
        uint total = 0;
        while (total < budget && writer.TryGetNextWritableSpan((int)(budget - total), out var span))
        {
            int n = connection.Socket.Receive(span, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                connection.HostReadable = false;
                break;
            }

            if (error != SocketError.Success)
            {
                if (total == 0)
                {
                    Kill(connection);
                    return 0;
                }

                break;
            }

            if (n == 0)
            {
                if (total == 0)
                {
                    connection.HostEof = true;
                    connection.Control |= VsockControl.Shutdown;
                }

                break;
            }

            total += (uint)n;
            if (n < span.Length)
            {
                // A short read drained the socket; readiness will say when more comes.
                connection.HostReadable = false;
                break;
            }
        }

        if (total == 0)
        {
            _rejectChain = writer.Faulted;
            return 0;
        }

        var header = NewHeader(connection, VsockOperation.ReadWrite);
        header.Length = total;
        connection.SentToGuest += total;
        _rxBytes += total;
        return WriteHeader(chain, header) + total;
    }

    private VsockHeader NewHeader(VsockConnection? connection, VsockOperation operation, uint hostPort = 0, uint guestPort = 0)
    {
        var header = new VsockHeader
        {
            SourceCid = HostCid,
            DestinationCid = _guestCid,
            SourcePort = connection?.HostPort ?? hostPort,
            DestinationPort = connection?.GuestPort ?? guestPort,
            Type = VsockHeader.TypeStream,
            Operation = operation,
        };
        if (connection is not null)
        {
            // Every packet carries the device's credit, so it also answers a pending credit update.
            header.BufferAllocation = connection.BufferSize;
            header.ForwardCount = connection.ForwardedToHost;
            connection.AdvertisedForwardCount = connection.ForwardedToHost;
            connection.Control &= ~VsockControl.CreditUpdate;
        }

        return header;
    }

    /// <summary>Writes the header at the start of the chain (checked writable when the chain was taken); returns its size.</summary>
    private static uint WriteHeader(in DescriptorChain chain, in VsockHeader header)
    {
        var writer = chain.CreateWriter();
        _ = writer.TryWrite(header);
        return VsockHeader.Size;
    }

    private void ServiceEvents()
    {
        if (!_resetEventPending || Context is not { } context || !context.Queues[EventQueue].IsReady)
        {
            return;
        }

        var queue = context.Queues[EventQueue];
        bool completed = false;
        while (_resetEventPending && queue.TryPopUsable(context, ref completed, ref _malformedChains, out var chain))
        {
            var writer = chain.CreateWriter();
            bool written = writer.TryWrite(EventTransportReset);
            _resetEventPending = !written;
            _malformedChains += written ? 0 : 1;
            if (!queue.TryComplete(context, chain.HeadIndex, written ? sizeof(uint) : 0u, ref completed))
            {
                break;
            }
        }

        if (completed)
        {
            context.SignalUsedQueue(EventQueue);
        }
    }
}
