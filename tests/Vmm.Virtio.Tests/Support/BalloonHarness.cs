using System.Buffers.Binary;
using Vmm.Memory;
using Vmm.Virtio.Balloon;
using Vmm.Virtio.Testing;

namespace Vmm.Virtio.Tests.Support;

/// <summary>
/// A VirtioBalloon brought up through the MMIO transport as Linux's driver does: queues 0 and 1, then stats and
/// reporting when negotiated, numbered without gaps. Guest memory: a control region [0, 8 MiB) for the rings and
/// buffers (queue i at i × 2 MiB), a hole, and the RAM under test from <see cref="RamBase"/>.
/// </summary>
public sealed class BalloonHarness : IDisposable
{
    public const ulong RamBase = 16 << 20;
    public const ulong Page = 4096;

    private readonly MemoryRegion _control;
    private readonly ushort _queueSize;

    public BalloonHarness(VirtioBalloonOptions? options = null, ulong ramBytes = 1 << 20, ulong wantedFeatures = ulong.MaxValue, MemoryRegion? extraRegion = null)
    {
        _control = MemoryRegion.CreateAnonymous(new GuestAddress(0), 8 << 20);
        Ram = MemoryRegion.CreateAnonymous(new GuestAddress(RamBase), ramBytes);
        Memory = extraRegion is null ? GuestMemory.Create(_control, Ram) : GuestMemory.Create(_control, Ram, extraRegion);
        options ??= new VirtioBalloonOptions();
        _queueSize = Math.Min(options.QueueSize, (ushort)256);
        Device = new VirtioBalloon(options, options.StatisticsInterval > TimeSpan.Zero ? Events : null);
        Transport = new VirtioMmioTransport(Device, Memory, Interrupts);
        Driver = new SimulatedMmioDriver(Transport);
        if (!Driver.Negotiate(wantedFeatures, out ulong accepted))
        {
            throw new InvalidOperationException("FEATURES_OK refused");
        }

        Accepted = accepted;
        Inflate = SetUp(0);
        Deflate = SetUp(1);
        int next = 2;
        if ((accepted & VirtioBalloonFeatures.StatsQueue) != 0)
        {
            StatsIndex = next++;
            Stats = SetUp(StatsIndex);
        }

        if ((accepted & VirtioBalloonFeatures.PageReporting) != 0)
        {
            ReportingIndex = next;
            Reporting = SetUp(ReportingIndex);
        }
    }

    public ulong Accepted { get; }

    public MemoryRegion Ram { get; }

    public ulong RamFirstPage => RamBase / Page;

    public ulong RamPages => Ram.Size / Page;

    public GuestMemory Memory { get; }

    public VirtioBalloon Device { get; }

    public VirtioMmioTransport Transport { get; }

    public SimulatedMmioDriver Driver { get; }

    public RecordingInterruptLine Interrupts { get; } = new();

    public ManualDeviceEventLoop Events { get; } = new();

    public SimulatedDriverQueue Inflate { get; }

    public SimulatedDriverQueue Deflate { get; }

    public SimulatedDriverQueue? Stats { get; }

    public int StatsIndex { get; } = -1;

    public SimulatedDriverQueue? Reporting { get; }

    public int ReportingIndex { get; } = -1;

    /// <summary>Sets DRIVER_OK (the queues the constructor set up are ready).</summary>
    public BalloonHarness Start()
    {
        if (Driver.DriverOk() != (DeviceStatus)0xf)
        {
            throw new InvalidOperationException("DRIVER_OK refused");
        }

        return this;
    }

    /// <summary>Writes <paramref name="pages"/> (little-endian u32) into one readable buffer of <paramref name="queue"/>, notifies, and returns the used element.</summary>
    public UsedElement SendPages(SimulatedDriverQueue queue, int queueIndex, ReadOnlySpan<uint> pages)
    {
        var bytes = new byte[pages.Length * 4];
        for (int i = 0; i < pages.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), pages[i]);
        }

        return SendBytes(queue, queueIndex, bytes);
    }

    /// <summary>Puts <paramref name="bytes"/> in one readable buffer of <paramref name="queue"/>, notifies, and returns the used element.</summary>
    public UsedElement SendBytes(SimulatedDriverQueue queue, int queueIndex, byte[] bytes)
    {
        var buffer = queue.AllocateBuffer((uint)Math.Max(bytes.Length, 1));
        Memory.Write(buffer, bytes);
        return Send(queue, queueIndex, new SimulatedBuffer(buffer, (uint)bytes.Length, false));
    }

    /// <summary>Publishes one chain of <paramref name="buffers"/>, notifies, and returns the used element the device produced for it.</summary>
    public UsedElement Send(SimulatedDriverQueue queue, int queueIndex, params SimulatedBuffer[] buffers)
    {
        ushort head = queue.AddChain(buffers);
        Driver.Notify(queueIndex);
        if (!queue.TryTakeUsed(out var used) || used.Id != head)
        {
            throw new InvalidOperationException("the chain was not completed");
        }

        return used;
    }

    public long Counter(string name) => Device.ReadCounters().Single(c => c.Name == name).Value;

    /// <summary>Fills the RAM under test with <paramref name="value"/> (touching every page).</summary>
    public void FillRam(byte value) => Memory.Fill(Ram.GuestBase, Ram.Size, value);

    /// <summary>Whether every byte of RAM page <paramref name="pfn"/> is <paramref name="value"/>.</summary>
    public bool PageIs(ulong pfn, byte value)
    {
        var bytes = new byte[Page];
        Memory.Read(new GuestAddress(pfn * Page), bytes);
        return Array.TrueForAll(bytes, b => b == value);
    }

    private SimulatedDriverQueue SetUp(int index)
    {
        var queue = new SimulatedDriverQueue(Memory, new GuestAddress(((ulong)index * (2 << 20)) + 0x1000), _queueSize);
        return Driver.SetUpQueue(index, queue) ? queue : throw new InvalidOperationException($"queue {index} refused");
    }

    public void Dispose() => Memory.DisposeRegions();
}
