namespace Vmm.Virtio.Vsock;

/// <summary>
/// An intrusive FIFO of connections (the links live in <see cref="VsockConnection"/>): the connections that have
/// something for the guest's receive queue, served round-robin. Adding, moving and removing never allocate, and a
/// closed connection leaves the list at once, so the list never holds more than the live connections.
/// </summary>
internal sealed class VsockConnectionList
{
    /// <summary>The first connection, or null when empty.</summary>
    public VsockConnection? Head { get; private set; }

    private VsockConnection? _tail;

    /// <summary>Appends <paramref name="connection"/> unless it is already listed.</summary>
    public void AddLast(VsockConnection connection)
    {
        if (connection.Listed)
        {
            return;
        }

        connection.Listed = true;
        connection.Previous = _tail;
        connection.Next = null;
        if (_tail is null)
        {
            Head = connection;
        }
        else
        {
            _tail.Next = connection;
        }

        _tail = connection;
    }

    /// <summary>Removes <paramref name="connection"/> if it is listed.</summary>
    public void Remove(VsockConnection connection)
    {
        if (!connection.Listed)
        {
            return;
        }

        if (connection.Previous is null)
        {
            Head = connection.Next;
        }
        else
        {
            connection.Previous.Next = connection.Next;
        }

        if (connection.Next is null)
        {
            _tail = connection.Previous;
        }
        else
        {
            connection.Next.Previous = connection.Previous;
        }

        connection.Previous = null;
        connection.Next = null;
        connection.Listed = false;
    }

    /// <summary>Moves a listed connection to the back (its turn is over; others go first).</summary>
    public void MoveToBack(VsockConnection connection)
    {
        Remove(connection);
        AddLast(connection);
    }
}
