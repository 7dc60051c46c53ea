using System.Diagnostics;
using System.Net.Sockets;
using Vmm.Devices;

namespace Vmm.Virtio.Vsock;

// virtio-vsock, host side: the listening socket, connection sockets and their readiness, closing, and timeouts.
public sealed partial class VirtioVsock
{
    private void OnListenerEvent(DeviceEvents ready)
    {
        lock (QueueLock)
        {
            if (!IsActivated || _disposed)
            {
                return;
            }

            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (SocketException)
            {
                return;
            }

            if (_live.Count >= _maxConnections)
            {
                _rejected++;
                client.Dispose();
                return;
            }

            client.Blocking = false;
            var connection = NewConnection(client);
            connection.State = VsockConnectionState.AwaitingCommand;
            ArmDeadline(connection);
            UpdateInterest(connection);
        }
    }

    private void OnConnectionEvent(VsockConnection connection, DeviceEvents ready)
    {
        lock (QueueLock)
        {
            if (connection.Closed || !IsActivated)
            {
                return;
            }

            if ((ready & (DeviceEvents.HangUp | DeviceEvents.Error)) != 0)
            {
                connection.HangUpSeen = true;
            }

            if (connection.State == VsockConnectionState.AwaitingCommand)
            {
                ReadCommand(connection);
            }
            else
            {
                if (connection.Pending.Count > 0 && (ready & (DeviceEvents.Writable | DeviceEvents.Error | DeviceEvents.HangUp)) != 0)
                {
                    FlushToHost(connection);
                    if (!connection.Closed && connection.NeedsCreditUpdate)
                    {
                        connection.Control |= VsockControl.CreditUpdate;
                    }
                }

                if ((ready & (DeviceEvents.Readable | DeviceEvents.Error | DeviceEvents.HangUp)) != 0)
                {
                    connection.HostReadable = true;
                }
            }

            // Serve the guest first and settle the interest after, so that a wake-up that drains the socket costs no epoll_ctl.
            if (!connection.Closed && connection.HasReceiveWork)
            {
                _receiveWork.AddLast(connection);
            }

            ServiceReceive();
            UpdateInterest(connection);
        }
    }

    private void ReadCommand(VsockConnection connection)
    {
        Span<byte> one = stackalloc byte[1];
        for (int i = 0; i <= VsockCommandParser.MaxLength; i++)
        {
            int n = connection.Socket.Receive(one, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return;
            }

            if (error != SocketError.Success || n == 0)
            {
                Close(connection);
                return;
            }

            switch (connection.Command.Push(one[0], out uint port))
            {
                case VsockCommandStatus.Complete:
                    StartHostConnection(connection, port);
                    return;
                case VsockCommandStatus.Invalid:
                    Close(connection);
                    return;
            }
        }

        Close(connection);
    }

    private void StartHostConnection(VsockConnection connection, uint guestPort)
    {
        uint hostPort = _nextHostPort;
        while (_connections.ContainsKey(PackPorts(hostPort, guestPort)))
        {
            hostPort = hostPort == uint.MaxValue - 1 ? FirstHostPort : hostPort + 1;
        }

        _nextHostPort = hostPort == uint.MaxValue - 1 ? FirstHostPort : hostPort + 1;
        connection.HostPort = hostPort;
        connection.GuestPort = guestPort;
        connection.State = VsockConnectionState.Connecting;
        connection.Control = VsockControl.Request;
        _connections.Add(connection.Key, connection);
        ArmDeadline(connection);
    }

    private VsockConnection NewConnection(Socket socket)
    {
        var connection = new VsockConnection(socket, _bufferSize) { LiveIndex = _live.Count };
        connection.Callback = ready => OnConnectionEvent(connection, ready);
        _live.Add(connection);
        return connection;
    }

    /// <summary>Lists the connection for the receive queue if it has a packet, and brings its event interest up to date.</summary>
    private void Touch(VsockConnection connection)
    {
        if (connection.HasReceiveWork)
        {
            _receiveWork.AddLast(connection);
        }

        UpdateInterest(connection);
    }

    private void UpdateInterest(VsockConnection connection)
    {
        if (connection.Closed)
        {
            return;
        }

        var wanted = connection.WantedEvents;
        if (connection.Registration is null)
        {
            if (wanted != DeviceEvents.None)
            {
                connection.HangUpSeen = false;
                connection.Registration = _events.Watch(connection.Socket.SafeHandle, wanted, connection.Callback!);
                connection.Interest = wanted;
            }
        }
        else if (wanted == DeviceEvents.None && connection.HangUpSeen)
        {
            // Hang-ups are reported whether asked for or not: park the socket until something is wanted from it again.
            connection.Registration.Dispose();
            connection.Registration = null;
            connection.Interest = DeviceEvents.None;
        }
        else if (wanted != connection.Interest)
        {
            connection.Registration.Modify(wanted);
            connection.Interest = wanted;
        }
    }

    /// <summary>Closes the connection and tells the guest with an RST (when the guest knows the connection).</summary>
    private void Kill(VsockConnection connection)
    {
        if (connection.Closed)
        {
            return;
        }

        if (connection.State != VsockConnectionState.AwaitingCommand)
        {
            EnqueueReset(connection.HostPort, connection.GuestPort);
        }

        Close(connection);
    }

    /// <summary>Closes the connection without a word to the guest.</summary>
    private void Close(VsockConnection connection)
    {
        if (connection.Closed)
        {
            return;
        }

        connection.Closed = true;
        _receiveWork.Remove(connection);
        if (connection.State != VsockConnectionState.AwaitingCommand)
        {
            _connections.Remove(connection.Key);
        }

        int index = connection.LiveIndex;
        var last = _live[^1];
        _live[index] = last;
        last.LiveIndex = index;
        _live.RemoveAt(_live.Count - 1);
        connection.Registration?.Dispose();
        connection.Registration = null;
        connection.Socket.Dispose();
        connection.Pending.Dispose();
    }

    private void CloseAll()
    {
        while (_live.Count > 0)
        {
            Close(_live[^1]);
        }

        _resets.Clear();
        _timerDue = 0;
        _timer.Disarm();
    }

    private void EnqueueReset(uint hostPort, uint guestPort)
    {
        if (_resets.Count >= MaxPendingResets)
        {
            _droppedResets++;
            return;
        }

        _resets.Enqueue(PackPorts(hostPort, guestPort));
    }

    // ---- timeouts --------------------------------------------------------------------------------------------------

    private void ArmDeadline(VsockConnection connection)
    {
        connection.Deadline = Stopwatch.GetTimestamp() + _timeoutTicks;
        if (_timerDue == 0 || connection.Deadline < _timerDue)
        {
            ArmTimer(connection.Deadline);
        }
    }

    private void ArmTimer(long due)
    {
        _timerDue = due;
        var delay = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        _timer.Arm(delay > TimeSpan.FromMilliseconds(1) ? delay : TimeSpan.FromMilliseconds(1), TimeSpan.Zero);
    }

    private void OnTimer()
    {
        lock (QueueLock)
        {
            if (!IsActivated)
            {
                return;
            }

            _timerDue = 0;
            long now = Stopwatch.GetTimestamp();
            long next = 0;
            for (int i = _live.Count - 1; i >= 0; i--)
            {
                if (i >= _live.Count)
                {
                    continue;
                }

                var connection = _live[i];
                if (connection.Deadline == 0)
                {
                    continue;
                }

                if (connection.Deadline <= now)
                {
                    _timeouts++;
                    Kill(connection);
                }
                else if (next == 0 || connection.Deadline < next)
                {
                    next = connection.Deadline;
                }
            }

            if (next != 0)
            {
                ArmTimer(next);
            }

            ServiceReceive();
        }
    }
}
