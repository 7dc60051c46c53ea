using System.Net;
using Vmm.Memory;
using Vmm.Tests.Shared;
using Vmm.Virtio.Net;
using Vmm.Virtio.Testing;

namespace Vmm.Virtio.Tests.Support;

/// <summary>
/// A VirtioNet over a real tap created in the test's own network namespace (never the host's), brought up through the
/// mmio transport with the Linux probe sequence; receive buffers posted and frames sent through simulated driver queues.
/// The tap is up with 10.99.0.1/24 (IPv6 off, so the kernel sends nothing on its own); the guest side plays 10.99.0.2.
/// </summary>
public sealed class NetHarness : IDisposable
{
    public const string TapName = "vmmtest0";
    public static readonly IPAddress HostIp = IPAddress.Parse("10.99.0.1");
    public static readonly IPAddress GuestIp = IPAddress.Parse("10.99.0.2");
    public static readonly MacAddress GuestMac = MacAddress.Parse("52:54:00:12:34:56");

    private readonly Dictionary<ushort, SimulatedBuffer> _rxBuffers = [];
    private GuestAddress _txCursor;

    private NetHarness(NetworkSandbox sandbox, ulong features, VirtioNetOptions? options, ushort queueSize, bool transportOnly)
    {
        Sandbox = sandbox;
        Sandbox.DisableIpv6();
        var tap = Sandbox.Run(() => Tap.Create(TapName));
        Sandbox.SetAddress(TapName, HostIp, 24);
        Sandbox.SetUp(TapName);
        HostMac = Sandbox.HardwareAddress(TapName);
        Memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 64 << 20)]);
        Device = new VirtioNet(tap, Loop, (options ?? new VirtioNetOptions()) with { Mac = GuestMac, QueueSize = queueSize });
        Transport = new VirtioMmioTransport(Device, Memory, Interrupts);
        Driver = new SimulatedMmioDriver(Transport);
        Rx = new SimulatedDriverQueue(Memory, new GuestAddress(0x10000), queueSize);
        Tx = new SimulatedDriverQueue(Memory, new GuestAddress(32 << 20), queueSize);
        _txCursor = Tx.DataStart;
        if (transportOnly)
        {
            return;
        }

        if (!Driver.Negotiate(features | VirtioFeatures.Version1, out ulong accepted) || !Driver.SetUpQueue(0, Rx) || !Driver.SetUpQueue(1, Tx))
        {
            throw new InvalidOperationException("bring-up failed");
        }

        Negotiated = accepted;
        if ((Driver.DriverOk() & DeviceStatus.DriverOk) == 0)
        {
            throw new InvalidOperationException("DRIVER_OK refused");
        }
    }

    public NetworkSandbox Sandbox { get; }

    public byte[] HostMac { get; }

    public GuestMemory Memory { get; }

    public TestEventLoop Loop { get; } = new();

    public VirtioNet Device { get; }

    public VirtioMmioTransport Transport { get; }

    public SimulatedMmioDriver Driver { get; }

    public SimulatedDriverQueue Rx { get; }

    public SimulatedDriverQueue Tx { get; }

    public RecordingInterruptLine Interrupts { get; } = new();

    public ulong Negotiated { get; }

    /// <summary>Creates the harness or skips the test with the reason the sandbox is unavailable.</summary>
    public static NetHarness Create(ulong features = ulong.MaxValue, VirtioNetOptions? options = null, ushort queueSize = 256, bool transportOnly = false)
    {
        var sandbox = NetworkSandbox.TryCreate(out string reason);
        if (sandbox is null)
        {
            Assert.Skip($"needs a tap in a private network namespace: {reason}");
        }

        try
        {
            return new NetHarness(sandbox, features, options, queueSize, transportOnly);
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }

    /// <summary>Posts <paramref name="count"/> receive chains of one <paramref name="size"/>-byte buffer each and notifies.</summary>
    public void PostReceiveBuffers(int count, uint size, bool notify = true)
    {
        for (int i = 0; i < count; i++)
        {
            var buffer = new SimulatedBuffer(Rx.AllocateBuffer(size, 0xcc), size, true);
            _rxBuffers[Rx.AddChain(buffer)] = buffer;
        }

        if (notify)
        {
            Driver.Notify(VirtioNet.ReceiveQueue);
        }
    }

    /// <summary>Sends header + frame as one chain (split into <paramref name="pieces"/> descriptors) and notifies.</summary>
    public ushort Send(ReadOnlySpan<byte> headerAndFrame, int pieces = 1, bool notify = true)
    {
        var buffers = new SimulatedBuffer[pieces];
        int offset = 0;
        for (int i = 0; i < pieces; i++)
        {
            int length = i == pieces - 1 ? headerAndFrame.Length - offset : headerAndFrame.Length / pieces;
            var address = AllocateTx((uint)Math.Max(length, 1));
            Memory.Write(address, headerAndFrame.Slice(offset, length));
            buffers[i] = new SimulatedBuffer(address, (uint)length, false);
            offset += length;
        }

        ushort head = Tx.AddChain(buffers);
        if (notify)
        {
            Driver.Notify(VirtioNet.TransmitQueue);
        }

        return head;
    }

    /// <summary>Sends a frame with a zero header.</summary>
    public ushort SendFrame(ReadOnlySpan<byte> frame, int pieces = 1) => Send(Frames.Concat(new byte[VirtioNetHeader.Size], frame.ToArray()), pieces);

    /// <summary>Guest memory for transmit buffers, reused from the start when the area fills.</summary>
    public GuestAddress AllocateTx(uint length)
    {
        if (_txCursor.Value + length > (64UL << 20))
        {
            _txCursor = Tx.DataStart;
        }

        var address = _txCursor;
        _txCursor = new GuestAddress((address.Value + length + 7) & ~7UL);
        return address;
    }

    /// <summary>The transmit chains completed since the last call (head, used length).</summary>
    public List<UsedElement> TakeTransmitted()
    {
        var list = new List<UsedElement>();
        while (Tx.TryTakeUsed(out var used))
        {
            list.Add(used);
        }

        return list;
    }

    /// <summary>The frames the device delivered since the last call, reassembled across mergeable buffers.</summary>
    public List<ReceivedFrame> TakeReceived()
    {
        var frames = new List<ReceivedFrame>();
        while (Rx.TryTakeUsed(out var first))
        {
            if (first.Length < VirtioNetHeader.Size)
            {
                frames.Add(new ReceivedFrame(default, [], 1, first.Length));
                continue;
            }

            var bytes = new List<byte>(Memory.Read(_rxBuffers[(ushort)first.Id].Address, first.Length));

            var header = Frames.ReadHeader(bytes.ToArray());
            for (int i = 1; i < header.NumBuffers && Rx.TryTakeUsed(out var next); i++)
            {
                bytes.AddRange(Memory.Read(_rxBuffers[(ushort)next.Id].Address, next.Length));
            }

            frames.Add(new ReceivedFrame(header, bytes.Skip(VirtioNetHeader.Size).ToArray(), header.NumBuffers, first.Length));
        }

        return frames;
    }

    /// <summary>Runs the event loop until frames with <paramref name="match"/> arrived or the deadline passed; returns every frame taken.</summary>
    public List<ReceivedFrame> ReceiveUntil(Func<ReceivedFrame, bool> match, int timeoutMs = 3000)
    {
        var all = new List<ReceivedFrame>();
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            Loop.RunUntilIdle(waitMs: 20);
            all.AddRange(TakeReceived());
            if (all.Any(match))
            {
                break;
            }
        }

        return all;
    }

    public void Dispose()
    {
        Device.Dispose();
        Memory.DisposeRegions();
        Sandbox.Dispose();
    }
}
