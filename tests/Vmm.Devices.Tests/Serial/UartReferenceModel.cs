namespace Vmm.Devices.Tests.Serial;

/// <summary>
/// A deliberately plain reading of the 16550A datasheet (with the device's documented timing model: the transmitter
/// is always empty, bytes below the trigger level report a character timeout) to check the UART against.
/// </summary>
internal sealed class UartReferenceModel
{
    private readonly Queue<byte> _rx = new();
    private byte _ier, _lcr, _mcr, _scr, _dll = 12, _dlm, _fcr, _deltas;
    private bool _overrun, _thre;

    public List<byte> Transmitted { get; } = [];

    public int RxCount => _rx.Count;

    private bool Dlab => (_lcr & 0x80) != 0;

    private bool Loop => (_mcr & 0x10) != 0;

    private bool FifoOn => (_fcr & 1) != 0;

    private int Capacity => FifoOn ? 64 : 1;

    public bool Line => Iir() != 1 && (_mcr & 0x08) != 0;

    public int Offer(byte[] bytes)
    {
        if (Loop)
        {
            return 0;
        }

        int n = Math.Min(bytes.Length, Capacity - _rx.Count);
        for (int i = 0; i < n; i++)
        {
            _rx.Enqueue(bytes[i]);
        }

        return n;
    }

    public byte Read(int reg)
    {
        switch (reg)
        {
            case 0:
                return Dlab ? _dll : _rx.TryDequeue(out byte b) ? b : (byte)0;
            case 1:
                return Dlab ? _dlm : _ier;
            case 2:
                byte id = Iir();
                if (id == 2)
                {
                    _thre = false;
                }

                return (byte)(id | (FifoOn ? 0xC0 : 0));
            case 3:
                return _lcr;
            case 4:
                return _mcr;
            case 5:
                byte lsr = (byte)(0x60 | (_rx.Count > 0 ? 1 : 0) | (_overrun ? 2 : 0));
                _overrun = false;
                return lsr;
            case 6:
                byte msr = (byte)(Lines() | _deltas);
                _deltas = 0;
                return msr;
            default:
                return _scr;
        }
    }

    public void Write(int reg, byte value)
    {
        switch (reg)
        {
            case 0 when Dlab:
                _dll = value;
                break;
            case 0:
                if (Loop)
                {
                    if (_rx.Count < Capacity)
                    {
                        _rx.Enqueue(value);
                    }
                    else
                    {
                        _overrun = true;
                        if (!FifoOn)
                        {
                            _rx.Clear();
                            _rx.Enqueue(value);
                        }
                    }
                }
                else
                {
                    Transmitted.Add(value);
                }

                _thre = true;
                break;
            case 1 when Dlab:
                _dlm = value;
                break;
            case 1:
                if ((value & 2) != 0 && (_ier & 2) == 0)
                {
                    _thre = true;
                }

                _ier = (byte)(value & 0x0F);
                break;
            case 2:
                bool on = (value & 1) != 0;
                if (on != FifoOn || (value & 2) != 0)
                {
                    _rx.Clear();
                }

                _fcr = on ? (byte)(value & 0xC9) : (byte)0;
                break;
            case 3:
                _lcr = value;
                break;
            case 4:
                byte before = Lines();
                _mcr = (byte)(value & 0x1F);
                byte after = Lines();
                _deltas |= (byte)(((before ^ after) >> 4) & 0x0B);
                if ((before & 0x40) != 0 && (after & 0x40) == 0)
                {
                    _deltas |= 0x04;
                }

                break;
            case 7:
                _scr = value;
                break;
        }
    }

    private byte Lines() => !Loop ? (byte)0xB0 : (byte)((((_mcr >> 1) & 1) << 4) | ((_mcr & 1) << 5) | (((_mcr >> 2) & 1) << 6) | (((_mcr >> 3) & 1) << 7));

    private byte Iir()
    {
        int trigger = new[] { 1, 4, 8, 14 }[_fcr >> 6];
        if ((_ier & 4) != 0 && _overrun)
        {
            return 0x06;
        }

        if ((_ier & 1) != 0 && _rx.Count > 0)
        {
            return FifoOn && _rx.Count < trigger ? (byte)0x0C : (byte)0x04;
        }

        if ((_ier & 2) != 0 && _thre)
        {
            return 0x02;
        }

        return (_ier & 8) != 0 && _deltas != 0 ? (byte)0x00 : (byte)0x01;
    }
}
