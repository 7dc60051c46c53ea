using Microsoft.Win32.SafeHandles;
using Vmm.Memory;
using Vmm.Virtio.Block;
using Vmm.Virtio.Testing;

namespace Vmm.Virtio.Tests.Support;

/// <summary>A VirtioBlock over a temporary image, brought up through the transport with the Linux probe sequence.</summary>
public sealed class BlockHarness : IDisposable
{
    public BlockHarness(long imageSize = 1 << 20, VirtioBlockOptions? options = null, Vmm.Devices.IDeviceEventLoop? events = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vmm-virtio-{Guid.NewGuid():n}.img");
        File = System.IO.File.OpenHandle(Path, FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.SetLength(File, imageSize);
        Memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 4 << 20)]);
        Device = new VirtioBlock(File, options ?? new VirtioBlockOptions { Serial = "vmm-test-disk" }, events);
        Transport = new VirtioMmioTransport(Device, Memory, Interrupts);
        Driver = new SimulatedMmioDriver(Transport);
        Queue = new SimulatedDriverQueue(Memory, new GuestAddress(0x10000), 128);
        if (!Driver.Negotiate(ulong.MaxValue, out _) || !Driver.SetUpQueue(0, Queue) || Driver.DriverOk() != (DeviceStatus)0xf)
        {
            throw new InvalidOperationException("bring-up failed");
        }
    }

    public string Path { get; }

    public SafeFileHandle File { get; }

    public GuestMemory Memory { get; }

    public VirtioBlock Device { get; }

    public VirtioMmioTransport Transport { get; }

    public SimulatedMmioDriver Driver { get; }

    public SimulatedDriverQueue Queue { get; }

    public RecordingInterruptLine Interrupts { get; } = new();

    /// <summary>Submits header (+ OUT data or segments) / IN buffer / status and returns the status byte and the used length.</summary>
    public (byte Status, uint UsedLength, GuestAddress Data) Submit(uint type, ulong sector, byte[]? payload = null, uint inLength = 0, uint reserved = 0)
    {
        var header = Queue.AllocateBuffer(16);
        Memory.Write(header, type);
        Memory.Write(header.Add(4), reserved);
        Memory.Write(header.Add(8), sector);
        var buffers = new List<SimulatedBuffer> { new(header, 16, false) };
        GuestAddress data = default;
        if (payload is not null)
        {
            data = Queue.AllocateBuffer((uint)payload.Length);
            Memory.Write(data, payload);
            buffers.Add(new(data, (uint)payload.Length, false));
        }

        if (inLength > 0)
        {
            data = Queue.AllocateBuffer(inLength, 0xee);
            buffers.Add(new(data, inLength, true));
        }

        var status = Queue.AllocateBuffer(1, 0xff);
        buffers.Add(new(status, 1, true));
        ushort head = Queue.AddChain(buffers.ToArray());
        Driver.Notify(0);
        if (!Queue.TryTakeUsed(out var used) || used.Id != head)
        {
            throw new InvalidOperationException("request not completed");
        }

        return (Memory.Read<byte>(status), used.Length, data);
    }

    public void Dispose()
    {
        File.Dispose();
        Memory.DisposeRegions();
        System.IO.File.Delete(Path);
    }
}
