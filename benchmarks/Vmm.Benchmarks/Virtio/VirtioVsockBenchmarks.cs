using System.Net.Sockets;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Vmm.Devices;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Vsock;

namespace Vmm.Benchmarks.Virtio;

/// <summary>
/// virtio-vsock stream data through a real Unix socket, device side, one established connection (guest-initiated).
/// Guest → host: one RW packet of <see cref="Size"/> bytes published on the transmit queue, processed (header checks,
/// credit, send(2) straight from guest memory) and drained by the host peer. Host → guest: the host peer writes
/// <see cref="Size"/> bytes, the device's readiness callback reads them straight into 4 KiB receive buffers (as Linux
/// posts them), and the simulated guest recycles the buffers and sends a credit update whenever half its buffer is used.
/// </summary>
[MemoryDiagnoser]
public class VirtioVsockBenchmarks
{
    private const ulong GuestCid = 3;
    private const uint GuestPort = 1000;
    private const uint HostPort = 5000;
    private const uint GuestBuffer = 256 * 1024;
    private const ushort RxQueueSize = 256;
    private const uint RxBufferSize = VsockHeader.Size + 4096;

    private string _directory = "";
    private GuestMemory _memory = null!;
    private VirtioVsock _device = null!;
    private VirtioMmioTransport _transport = null!;
    private SimulatedDriverQueue _rx = null!;
    private SimulatedDriverQueue _tx = null!;
    private CapturingEventLoop _events = null!;
    private Socket _listener = null!;
    private Socket _peer = null!;
    private Action<DeviceEvents> _connectionCallback = null!;
    private GuestAddress _txHeader;
    private GuestAddress _rxBuffers;
    private byte[] _chunk = [];
    private byte[] _drain = [];
    private uint _guestReceived;
    private uint _guestTold;

    [Params(4096, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("vmm-bench-vsock-").FullName;
        string path = Path.Combine(_directory, "v.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint($"{path}_{HostPort}"));
        _listener.Listen(1);
        _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 4 << 20)]);
        _events = new CapturingEventLoop();
        _device = new VirtioVsock(new VirtioVsockOptions { GuestCid = GuestCid, UnixSocketPath = path }, _events);
        _transport = new VirtioMmioTransport(_device, _memory, new NullInterruptLine());
        var driver = new SimulatedMmioDriver(_transport);
        _rx = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), RxQueueSize);
        _tx = new SimulatedDriverQueue(_memory, new GuestAddress(0x8000), 16);
        var events = new SimulatedDriverQueue(_memory, new GuestAddress(0xa000), 4);
        if (!driver.Negotiate(ulong.MaxValue, out _) || !driver.SetUpQueue(0, _rx) || !driver.SetUpQueue(1, _tx) || !driver.SetUpQueue(2, events) || driver.DriverOk() != (DeviceStatus)0xf)
        {
            throw new InvalidOperationException("bring-up failed");
        }

        _rxBuffers = new GuestAddress(0x100000);
        for (ushort i = 0; i < RxQueueSize; i++)
        {
            _rx.WriteDescriptor(i, new Descriptor(_rxBuffers.Add((ulong)i * RxBufferSize), RxBufferSize, DescriptorFlags.Write, 0));
            _rx.Publish(i);
        }

        _txHeader = new GuestAddress(0x200000);
        _tx.WriteDescriptor(0, new Descriptor(_txHeader, VsockHeader.Size, DescriptorFlags.Next, 1));
        _tx.WriteDescriptor(1, new Descriptor(_txHeader.Add(VsockHeader.Size), (uint)Size, DescriptorFlags.None, 0));
        _tx.WriteDescriptor(2, new Descriptor(_txHeader.Add(0x20000), VsockHeader.Size, DescriptorFlags.None, 0));
        _memory.Fill(_txHeader.Add(VsockHeader.Size), (ulong)Size, 0x5a);

        SendControl(VsockOperation.Request);
        _peer = _listener.Accept();
        _peer.Blocking = false;
        if (!TakeRx(out _, out var op) || op != VsockOperation.Response)
        {
            throw new InvalidOperationException("no RESPONSE");
        }

        _connectionCallback = _events.Callbacks[^1];
        _memory.Write(_txHeader, Header(VsockOperation.ReadWrite, (uint)Size));
        _chunk = new byte[Size];
        _drain = new byte[Size];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _peer.Dispose();
        _listener.Dispose();
        _device.Dispose();
        _memory.DisposeRegions();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public void GuestToHost()
    {
        _tx.Publish(0);
        _transport.NotifyQueue(VirtioVsock.TransmitQueue);
        _tx.TryTakeUsed(out _);
        int left = Size;
        while (left > 0)
        {
            int n = _peer.Receive(_drain.AsSpan(0, left), SocketFlags.None, out var error);
            if (error != SocketError.Success || n == 0)
            {
                throw new InvalidOperationException($"the peer got {Size - left} of {Size} bytes ({error})");
            }

            left -= n;
        }

        // The device's credit updates (one per half buffer) go back into the ring.
        while (TakeRx(out _, out _))
        {
        }

        _transport.NotifyQueue(VirtioVsock.ReceiveQueue);
    }

    [Benchmark]
    public void HostToGuest()
    {
        if (_peer.Send(_chunk, SocketFlags.None, out var error) != Size || error != SocketError.Success)
        {
            throw new InvalidOperationException($"send: {error}");
        }

        _connectionCallback(DeviceEvents.Readable);
        uint received = 0;
        while (TakeRx(out uint length, out _))
        {
            received += length;
        }

        _transport.NotifyQueue(VirtioVsock.ReceiveQueue);

        if (received != (uint)Size)
        {
            throw new InvalidOperationException($"the guest got {received} of {Size} bytes");
        }

        _guestReceived += received;
        if (_guestReceived - _guestTold >= GuestBuffer / 2)
        {
            SendControl(VsockOperation.CreditUpdate);
        }
    }

    private VsockHeader Header(VsockOperation operation, uint length) => new()
    {
        SourceCid = GuestCid,
        DestinationCid = VirtioVsock.HostCid,
        SourcePort = GuestPort,
        DestinationPort = HostPort,
        Length = length,
        Type = VsockHeader.TypeStream,
        Operation = operation,
        BufferAllocation = GuestBuffer,
        ForwardCount = _guestReceived,
    };

    private void SendControl(VsockOperation operation)
    {
        _memory.Write(_txHeader.Add(0x20000), Header(operation, 0));
        _guestTold = _guestReceived;
        _tx.Publish(2);
        _transport.NotifyQueue(VirtioVsock.TransmitQueue);
        _tx.TryTakeUsed(out _);
    }

    /// <summary>Takes one used receive buffer, reads its header, gives it back to the device (the caller notifies once for the batch, as a driver does).</summary>
    private bool TakeRx(out uint payload, out VsockOperation operation)
    {
        payload = 0;
        operation = VsockOperation.Invalid;
        if (!_rx.TryTakeUsed(out var used))
        {
            return false;
        }

        var header = _memory.Read<VsockHeader>(_rxBuffers.Add((ulong)used.Id * RxBufferSize));
        payload = header.Length;
        operation = header.Operation;
        _rx.Publish((ushort)used.Id);
        return true;
    }

    /// <summary>Keeps the device's registrations so the benchmark can play the event loop and call them.</summary>
    private sealed class CapturingEventLoop : IDeviceEventLoop
    {
        public List<Action<DeviceEvents>> Callbacks { get; } = [];

        public IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback)
        {
            Callbacks.Add(callback);
            return new Registration();
        }

        public IDeviceTimer CreateTimer(Action callback) => new Timer();

        private sealed class Registration : IDeviceEventRegistration
        {
            public void Modify(DeviceEvents events)
            {
            }

            public void Dispose()
            {
            }
        }

        private sealed class Timer : IDeviceTimer
        {
            public void Arm(TimeSpan dueTime, TimeSpan period)
            {
            }

            public void Disarm()
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
