using System.Net.Sockets;
using Vmm.Devices;
using Vmm.Kvm;
using Vmm.Memory;
using Vmm.Reference.Machine;
using Vmm.Virtio;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Vsock;

namespace Vmm.Reference.Tests.Vsock;

/// <summary>virtio-vsock on the VMM's own event loop (<see cref="DeviceEventLoop"/> over epoll), as vmm runs it.</summary>
public sealed class VsockEventLoopTests : IDisposable
{
    private const ulong GuestCid = 5;
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-vsock-loop-").FullName;
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 2 << 20)]);
    private readonly EventLoop _loop = new();

    public void Dispose()
    {
        _loop.Dispose();
        _memory.DisposeRegions();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void GuestConnection_OverEpoll_DataBothWaysAndHangUpDoesNotSpin()
    {
        string uds = Path.Combine(_dir, "v.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint($"{uds}_80"));
        listener.Listen(1);
        using var device = new VirtioVsock(new VirtioVsockOptions { GuestCid = GuestCid, UnixSocketPath = uds }, new DeviceEventLoop(_loop));
        var transport = new VirtioMmioTransport(device, _memory, new NullLine());
        var driver = new SimulatedMmioDriver(transport);
        var rx = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), 16);
        var tx = new SimulatedDriverQueue(_memory, new GuestAddress(0x4000), 16);
        var events = new SimulatedDriverQueue(_memory, new GuestAddress(0x7000), 4);
        Assert.True(driver.Negotiate(ulong.MaxValue, out _));
        Assert.True(driver.SetUpQueue(0, rx) && driver.SetUpQueue(1, tx) && driver.SetUpQueue(2, events));
        Assert.Equal((DeviceStatus)0xf, driver.DriverOk());
        var rxBuffers = new GuestAddress(0x100000);
        for (ushort i = 0; i < 16; i++)
        {
            rx.WriteDescriptor(i, new Descriptor(rxBuffers.Add(i * 4140UL), 4140, DescriptorFlags.Write, 0));
            rx.Publish(i);
        }

        var txBuffer = new GuestAddress(0x80000);
        void Send(VsockOperation op, ReadOnlySpan<byte> payload, uint flags = 0)
        {
            _memory.Write(txBuffer, new VsockHeader { SourceCid = GuestCid, DestinationCid = 2, SourcePort = 9, DestinationPort = 80, Length = (uint)payload.Length, Type = 1, Operation = op, Flags = flags, BufferAllocation = 65536 });
            _memory.Write(txBuffer.Add(VsockHeader.Size), payload);
            tx.WriteDescriptor(0, new Descriptor(txBuffer, VsockHeader.Size + (uint)payload.Length, DescriptorFlags.None, 0));
            tx.Publish(0);
            driver.Notify(1);
            Assert.True(tx.TryTakeUsed(out _));
        }

        ushort taken = 0;
        VsockHeader NextRx(out byte[] payload)
        {
            for (int i = 0; i < 100 && rx.UsedIndex == taken; i++)
            {
                _loop.RunOnce(50);
            }

            Assert.True(rx.TryTakeUsed(out var used), "no packet for the guest");
            taken++;
            var address = rxBuffers.Add(used.Id * 4140UL);
            var header = _memory.Read<VsockHeader>(address);
            payload = new byte[header.Length];
            _memory.Read(address.Add(VsockHeader.Size), payload);
            return header;
        }

        Send(VsockOperation.Request, default);
        Assert.Equal(VsockOperation.Response, NextRx(out _).Operation);
        using var server = listener.Accept();
        Send(VsockOperation.ReadWrite, "over epoll"u8);
        var buffer = new byte[64];
        Assert.Equal("over epoll", System.Text.Encoding.ASCII.GetString(buffer, 0, server.Receive(buffer)));

        server.Send("and back"u8);
        server.Close();
        var data = NextRx(out byte[] payload);
        Assert.Equal(VsockOperation.ReadWrite, data.Operation);
        Assert.Equal("and back", System.Text.Encoding.ASCII.GetString(payload));
        Assert.Equal(VsockOperation.Shutdown, NextRx(out _).Operation);

        // The host end hung up and nothing more is wanted from it: epoll must go quiet (hang-ups are always reported).
        int dispatched = 0;
        for (int i = 0; i < 20; i++)
        {
            dispatched += _loop.RunOnce(5);
        }

        Assert.True(dispatched <= 1, $"{dispatched} dispatches after the hang-up");
        Send(VsockOperation.Shutdown, default, flags: 3);
        Assert.Equal(VsockOperation.Reset, NextRx(out _).Operation);
        Assert.Equal(0, device.ConnectionCount);
    }

    private sealed class NullLine : IInterruptLine
    {
        public void Raise()
        {
        }

        public void Lower()
        {
        }

        public void Pulse()
        {
        }
    }
}
