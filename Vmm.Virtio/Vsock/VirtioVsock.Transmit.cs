using System.Buffers.Text;
using System.Net.Sockets;

namespace Vmm.Virtio.Vsock;

// virtio-vsock, guest → device: the transmit queue, the checks on every packet, and guest data on its way to the host socket.
public sealed partial class VirtioVsock
{
    private void HandleTransmit(in DescriptorChain chain)
    {
        if (chain.ReadableLength < VsockHeader.Size)
        {
            _malformedChains++;
            return;
        }

        var reader = chain.CreateReader();
        if (!reader.TryRead(out VsockHeader header))
        {
            _malformedChains++;
            return;
        }

        _txPackets++;
        ulong key = PackPorts(header.DestinationPort, header.SourcePort);
        _connections.TryGetValue(key, out var connection);
        if (header.Operation == VsockOperation.Reset)
        {
            // Never answer a reset; one for a connection we know closes it.
            if (connection is not null && header.SourceCid == _guestCid && header.DestinationCid == HostCid)
            {
                Close(connection);
            }

            return;
        }

        if (!IsWellFormed(header, reader.Remaining))
        {
            Violation(header, connection);
            return;
        }

        if (header.Operation == VsockOperation.Request)
        {
            if (connection is not null)
            {
                Violation(header, connection);
            }
            else
            {
                OpenGuestConnection(header);
            }

            return;
        }

        if (connection is null)
        {
            Violation(header, null);
            return;
        }

        connection.PeerBufferAllocation = header.BufferAllocation;
        connection.PeerForwardCount = header.ForwardCount;
        if (connection.State == VsockConnectionState.Connecting)
        {
            if (header.Operation != VsockOperation.Response)
            {
                Violation(header, connection);
                return;
            }

            AcceptResponse(connection);
        }
        else
        {
            switch (header.Operation)
            {
                case VsockOperation.ReadWrite:
                    if ((connection.GuestShutdown & VsockShutdownFlags.Send) != 0 || header.Length > connection.OwnCredit)
                    {
                        Violation(header, connection);
                        return;
                    }

                    ForwardToHost(connection, ref reader, header.Length);
                    break;
                case VsockOperation.CreditUpdate:
                    break;
                case VsockOperation.CreditRequest:
                    connection.Control |= VsockControl.CreditUpdate;
                    break;
                case VsockOperation.Shutdown:
                    connection.GuestShutdown |= (VsockShutdownFlags)header.Flags;
                    AfterGuestProgress(connection);
                    break;
                default:
                    Violation(header, connection);
                    return;
            }
        }

        if (!connection.Closed)
        {
            if (connection.NeedsCreditUpdate)
            {
                connection.Control |= VsockControl.CreditUpdate;
            }

            Touch(connection);
        }
    }

    private bool IsWellFormed(in VsockHeader header, uint payloadAvailable) =>
        header.SourceCid == _guestCid
        && header.DestinationCid == HostCid
        && header.Type == VsockHeader.TypeStream
        && header.Operation is >= VsockOperation.Request and <= VsockOperation.CreditRequest
        && header.Length <= payloadAvailable
        && (header.Operation == VsockOperation.ReadWrite || header.Length == 0)
        && (header.Operation == VsockOperation.Shutdown ? (header.Flags & ~(uint)VsockShutdownFlags.Both) == 0 : true);

    private void Violation(in VsockHeader header, VsockConnection? connection)
    {
        _protocolErrors++;
        if (connection is not null)
        {
            Kill(connection);
        }
        else
        {
            EnqueueReset(header.DestinationPort, header.SourcePort);
        }
    }

    private void OpenGuestConnection(in VsockHeader header)
    {
        if (_disposed || _live.Count >= _maxConnections)
        {
            _rejected++;
            EnqueueReset(header.DestinationPort, header.SourcePort);
            return;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Blocking = false;
            socket.Connect(new UnixDomainSocketEndPoint($"{_path}_{header.DestinationPort}"));
        }
        catch (SocketException)
        {
            socket.Dispose();
            _connectFailures++;
            EnqueueReset(header.DestinationPort, header.SourcePort);
            return;
        }

        var connection = NewConnection(socket);
        connection.State = VsockConnectionState.Established;
        connection.HostPort = header.DestinationPort;
        connection.GuestPort = header.SourcePort;
        connection.PeerBufferAllocation = header.BufferAllocation;
        connection.PeerForwardCount = header.ForwardCount;
        connection.Control = VsockControl.Response;
        _connections.Add(connection.Key, connection);
        _guestConnects++;
        Touch(connection);
    }

    private void AcceptResponse(VsockConnection connection)
    {
        connection.State = VsockConnectionState.Established;
        connection.Deadline = 0;
        Span<byte> line = stackalloc byte[16];
        "OK "u8.CopyTo(line);
        _ = Utf8Formatter.TryFormat(connection.HostPort, line[3..], out int digits);
        line[3 + digits] = (byte)'\n';
        int length = 4 + digits;

        // The first bytes ever written to the socket: they fit unless the client is gone.
        if (connection.SendToHost(line[..length]) != length)
        {
            Kill(connection);
            return;
        }

        _hostConnects++;
    }

    private void ForwardToHost(VsockConnection connection, ref DescriptorChainReader reader, uint length)
    {
        connection.ReceivedFromGuest += length;
        _txBytes += length;
        uint left = length;
        while (left > 0)
        {
            if (!reader.TryGetNextSpan((int)Math.Min(left, MaxPacketPayload), out var span))
            {
                _malformedChains++;
                Kill(connection);
                return;
            }

            left -= (uint)span.Length;
            if (connection.Pending.Count == 0)
            {
                int sent = connection.SendToHost(span);
                if (sent < 0)
                {
                    Kill(connection);
                    return;
                }

                connection.ForwardedToHost += (uint)sent;
                span = span[sent..];
            }

            // Cannot fail: the credit check keeps unforwarded bytes within the ring's capacity.
            if (!connection.Pending.TryWrite(span))
            {
                Kill(connection);
                return;
            }
        }
    }

    private void FlushToHost(VsockConnection connection)
    {
        while (connection.Pending.Count > 0)
        {
            int sent = connection.SendToHost(connection.Pending.PeekContiguous());
            if (sent < 0)
            {
                Kill(connection);
                return;
            }

            if (sent == 0)
            {
                break;
            }

            connection.Pending.Advance(sent);
            connection.ForwardedToHost += (uint)sent;
        }

        AfterGuestProgress(connection);
    }

    /// <summary>After guest data drained or the guest shut down a direction: half-close the host socket, or finish the connection.</summary>
    private void AfterGuestProgress(VsockConnection connection)
    {
        if (connection.Closed)
        {
            return;
        }

        if (connection.Pending.Count > 0)
        {
            // A closing guest waits for its RST: give the host a bounded time to take the rest.
            if (connection.GuestShutdown == VsockShutdownFlags.Both && connection.Deadline == 0)
            {
                ArmDeadline(connection);
            }

            return;
        }

        if ((connection.GuestShutdown & VsockShutdownFlags.Send) != 0 && !connection.HostWriteShut)
        {
            connection.HostWriteShut = true;
            try
            {
                connection.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        }

        // Nothing will flow either way any more: RST tells the guest the close is complete (Linux waits for it).
        bool hostDone = connection.HostEof && (connection.Control & VsockControl.Shutdown) == 0;
        if (connection.GuestShutdown == VsockShutdownFlags.Both || ((connection.GuestShutdown & VsockShutdownFlags.Send) != 0 && hostDone))
        {
            Kill(connection);
        }
    }
}
