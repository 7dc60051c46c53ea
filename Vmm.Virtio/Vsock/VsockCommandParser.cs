namespace Vmm.Virtio.Vsock;

/// <summary>
/// Parses the line a host client sends after connecting to the device's socket, one byte at a time (the device reads
/// it byte by byte so as never to consume stream data after the newline): exactly <c>CONNECT </c>, 1 to 10 decimal
/// digits naming a port below 2^32 − 1 (VMADDR_PORT_ANY), and <c>\n</c>. Anything else is invalid at the first wrong byte,
/// so a line is never longer than <see cref="MaxLength"/>.
/// </summary>
internal struct VsockCommandParser
{
    /// <summary>The longest valid line: "CONNECT " + 10 digits + "\n".</summary>
    public const int MaxLength = 19;

    private const int MaxDigits = 10;
    private static ReadOnlySpan<byte> Prefix => "CONNECT "u8;

    private int _matched;
    private int _digits;
    private ulong _port;

    /// <summary>Feeds the next byte; on <see cref="VsockCommandStatus.Complete"/>, <paramref name="port"/> is the requested guest port.</summary>
    public VsockCommandStatus Push(byte value, out uint port)
    {
        port = 0;
        if (_matched < Prefix.Length)
        {
            if (value != Prefix[_matched])
            {
                return VsockCommandStatus.Invalid;
            }

            _matched++;
            return VsockCommandStatus.Incomplete;
        }

        if (value is >= (byte)'0' and <= (byte)'9')
        {
            if (_digits == MaxDigits)
            {
                return VsockCommandStatus.Invalid;
            }

            _digits++;
            _port = (_port * 10) + (ulong)(value - '0');
            return VsockCommandStatus.Incomplete;
        }

        if (value == (byte)'\n' && _digits > 0 && _port < uint.MaxValue)
        {
            port = (uint)_port;
            return VsockCommandStatus.Complete;
        }

        return VsockCommandStatus.Invalid;
    }
}
