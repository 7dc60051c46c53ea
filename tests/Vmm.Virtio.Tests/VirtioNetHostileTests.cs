using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Vmm.Devices;
using Vmm.Memory;
using Vmm.Virtio.Net;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

/// <summary>A guest that abuses the queues: malformed frames are dropped and counted, and the device keeps answering.</summary>
public sealed class VirtioNetHostileTests
{
    private const ulong Plain = VirtioNetFeatures.Mac | VirtioNetFeatures.Status;
    private static readonly byte[] GuestMacBytes = [0x52, 0x54, 0, 0x12, 0x34, 0x56];

    [Fact]
    public void Transmit_MalformedFrames_DroppedCountedCompletedAndValidFrameStillSent()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        var good = Frames.Ethernet(h.HostMac, GuestMacBytes, Frames.EtherTypeTest, new byte[100]);

        h.Send(new byte[8]);
        h.Send(new byte[VirtioNetHeader.Size]);
        h.Send(new byte[VirtioNetHeader.Size + VirtioNet.MaxFrameLength + 1]);
        h.Send(Frames.Concat(Frames.Header(new VirtioNetHeader { Flags = VirtioNetHeader.FlagNeedsChecksum, ChecksumStart = 34, ChecksumOffset = 6 }), good));
        h.Send(Frames.Concat(Frames.Header(new VirtioNetHeader { Flags = 0x04 }), good));
        h.Send(Frames.Concat(Frames.Header(new VirtioNetHeader { GsoType = VirtioNetHeader.GsoTcpV4 | VirtioNetHeader.GsoEcn, GsoSize = 100 }), good));
        h.Tx.AddChain(new SimulatedBuffer(new GuestAddress(1UL << 40), 200, false));
        ushort loop = h.Tx.AddChain(new SimulatedBuffer(h.AllocateTx(64), 64, false), new SimulatedBuffer(h.AllocateTx(64), 64, false));
        h.Tx.WriteDescriptor((ushort)(loop + 1), new Descriptor(h.AllocateTx(64), 64, DescriptorFlags.Next, loop));
        h.Driver.Notify(VirtioNet.TransmitQueue);
        h.SendFrame(good);

        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.TxHeaderShort));
        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.TxEmptyFrame));
        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.TxOversized));
        Assert.Equal(3, h.Device.Dropped(VirtioNetDrop.TxBadHeader));
        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.TxBadBuffer));
        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.TxBadChain));
        var used = h.TakeTransmitted();
        Assert.Equal(9, used.Count);
        Assert.All(used, u => Assert.Equal(0u, u.Length));
        Assert.Equal(1, h.Device.TransmittedFrames);
        Assert.Equal(good, socket.ReceiveMatching(f => Frames.EtherType(f) == Frames.EtherTypeTest, 3000));
        Assert.Equal(0, (int)(h.Transport.Status & DeviceStatus.DeviceNeedsReset));
        var counters = h.Device.ReadCounters().ToDictionary(c => c.Name, c => c.Value);
        Assert.Equal(3, counters["tx-dropped-bad-header"]);
        Assert.Equal(1, counters["tx-frames"]);
    }

    [Fact]
    public void Transmit_ArbitraryHeadersAndLengths_EveryChainCompletesOnceAndCountsAddUp()
    {
        using var h = NetHarness.Create(ulong.MaxValue);
        int chains = 0;
        var property = Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>().Filter(b => b.Length >= 12).Generator.Zip(Gen.Choose(0, 3000)).ToArbitrary(),
            input =>
            {
                var (header, extra) = input;
                var chain = new byte[Math.Min(header.Length, 12) + extra];
                header.AsSpan(0, 12).CopyTo(chain);
                h.Send(chain, pieces: 1 + (extra % 3));
                chains++;
                var used = Assert.Single(h.TakeTransmitted());
                Assert.Equal(0u, used.Length);
                long drops = Enum.GetValues<VirtioNetDrop>().Sum(h.Device.Dropped);
                Assert.Equal(chains, drops + h.Device.TransmittedFrames);
                Assert.Equal(0, (int)(h.Transport.Status & DeviceStatus.DeviceNeedsReset));
            });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Receive_UnusableChains_ReturnedEmptyAndNextGoodChainGetsTheFrame()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        h.Rx.AddChain(new SimulatedBuffer(h.Rx.AllocateBuffer(64), 64, false));
        h.Rx.AddChain(new SimulatedBuffer(h.Rx.AllocateBuffer(8), 8, true));
        h.Rx.AddChain(new SimulatedBuffer(new GuestAddress(1UL << 40), 2048, true));
        ushort loop = h.Rx.AddChain(new SimulatedBuffer(h.Rx.AllocateBuffer(64), 64, true), new SimulatedBuffer(h.Rx.AllocateBuffer(64), 64, true));
        h.Rx.WriteDescriptor((ushort)(loop + 1), new Descriptor(h.Rx.AllocateBuffer(64), 64, DescriptorFlags.Next | DescriptorFlags.Write, loop));
        h.PostReceiveBuffers(2, 1526, notify: false);
        var frame = Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[200]);

        socket.Send(frame);
        var received = h.ReceiveUntil(f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest);

        Assert.Equal(3, h.Device.Dropped(VirtioNetDrop.RxBadBuffer));
        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.RxBadChain));
        Assert.Equal(4, received.Count(f => f.FirstUsedLength == 0));
        Assert.Equal(frame, received.Single(f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest).Frame);
    }

    [Fact]
    public void Receive_FrameLargerThanTheBuffer_DroppedAsTruncatedAndBufferReused()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        h.PostReceiveBuffers(1, 512);
        var small = Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[100]);

        socket.Send(Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[1000]));
        socket.Send(small);
        var received = h.ReceiveUntil(f => Frames.EtherType(f.Frame) == Frames.EtherTypeTest);

        Assert.Equal(1, h.Device.Dropped(VirtioNetDrop.RxTruncated));
        Assert.Equal(small, Assert.Single(received).Frame);
    }

    [Fact]
    public void NotifyStorm_EmptyQueues_AnsweredQuicklyWithoutTapReads()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        socket.Send(Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[100]));
        var watch = Stopwatch.StartNew();

        for (int i = 0; i < 20_000; i++)
        {
            h.Driver.Notify(i & 1);
        }

        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{watch.Elapsed}");
        Assert.Equal(0, h.Device.ReceivedFrames + h.Device.TransmittedFrames);
        h.PostReceiveBuffers(1, 1526);
        Assert.Single(h.TakeReceived());
    }

    [Fact]
    public void Receive_StarvedWithFramesWaiting_TransmitStillFlows()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        for (int i = 0; i < 10; i++)
        {
            socket.Send(Frames.Ethernet(GuestMacBytes, h.HostMac, Frames.EtherTypeTest, new byte[100]));
        }

        h.Loop.RunUntilIdle(waitMs: 20);
        var frame = Frames.Ethernet(h.HostMac, GuestMacBytes, Frames.EtherTypeTest, new byte[300]);
        for (int i = 0; i < 5; i++)
        {
            h.SendFrame(frame);
        }

        Assert.Equal(5, h.Device.TransmittedFrames);
        Assert.Equal(0, h.Device.ReceivedFrames);
    }

    [Fact]
    public void TransmitQueueBroken_DeviceNeedsReset_ThenResetAndReinitWorkAgain()
    {
        using var h = NetHarness.Create(Plain);
        using var socket = h.Sandbox.OpenPacketSocket(NetHarness.TapName);
        h.Tx.AvailIndex = 1000;
        h.Driver.Notify(VirtioNet.TransmitQueue);
        Assert.True((h.Transport.Status & DeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(0x1200_5452u, h.Driver.Read(VirtioMmioRegister.Config));

        var rx = new SimulatedDriverQueue(h.Memory, new GuestAddress(0x400000), 64);
        var tx = new SimulatedDriverQueue(h.Memory, new GuestAddress(0x800000), 64);
        Assert.True(h.Driver.Negotiate(Plain | VirtioFeatures.Version1, out _));
        Assert.True(h.Driver.SetUpQueue(0, rx));
        Assert.True(h.Driver.SetUpQueue(1, tx));
        Assert.Equal((DeviceStatus)0xf, h.Driver.DriverOk());
        Assert.Equal(1, h.Loop.ActiveWatches);
        var frame = Frames.Ethernet(h.HostMac, GuestMacBytes, Frames.EtherTypeTest, new byte[60]);
        var data = tx.AllocateBuffer((uint)frame.Length + 12);
        h.Memory.Write(data.Add(12), frame);
        tx.AddChain(new SimulatedBuffer(data, (uint)frame.Length + 12, false));
        h.Driver.Notify(VirtioNet.TransmitQueue);

        Assert.Equal(frame, socket.ReceiveMatching(f => Frames.EtherType(f) == Frames.EtherTypeTest, 3000));
    }

    [Fact]
    public void Reset_WhileWatchingTheTap_WatchRemoved()
    {
        using var h = NetHarness.Create(Plain);
        Assert.Equal(1, h.Loop.ActiveWatches);
        Assert.Equal(DeviceEvents.Readable, h.Loop.InterestOf(h.Device.Tap.Handle));

        h.Driver.Write(VirtioMmioRegister.Status, 0);

        Assert.Equal(0, h.Loop.ActiveWatches);
    }
}
