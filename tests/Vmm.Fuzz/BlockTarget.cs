using Microsoft.Win32.SafeHandles;
using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Block;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Fuzz;

/// <summary>
/// The block request parser: arbitrary chains (header fields, buffer count/sizes/directions, discard segments) sent to a
/// VirtioBlock over a 1 MiB image. Every request must complete with one used entry; nothing may throw.
/// </summary>
internal sealed class BlockTarget : IFuzzTarget, IDisposable
{
    private const ulong DataBase = 0x40000;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vmm-fuzz-{Environment.ProcessId}.img");
    private readonly SafeFileHandle _file;
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 0x80000)]);
    private readonly SimulatedMmioDriver _driver;
    private readonly SimulatedDriverQueue _queue;

    public BlockTarget()
    {
        _file = File.OpenHandle(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        RandomAccess.SetLength(_file, 1 << 20);
        var transport = new VirtioMmioTransport(new VirtioBlock(_file, new VirtioBlockOptions { Serial = "fuzz", MaxSegments = 8, MaxSegmentSize = 8192 }), _memory, new RecordingInterruptLine());
        _driver = new SimulatedMmioDriver(transport);
        _queue = new SimulatedDriverQueue(_memory, new GuestAddress(0x1000), 16);
        if (!_driver.Negotiate(ulong.MaxValue, out _) || !_driver.SetUpQueue(0, _queue) || _driver.DriverOk() != (DeviceStatus)0xf)
        {
            throw new InvalidOperationException("bring-up failed");
        }
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        var source = new ByteSource(input);
        uint[] types = [0, 1, 4, 8, 11, 13, 14, source.NextUInt32()];
        uint type = types[source.Next() % types.Length];
        ulong sector = (source.Next() % 4) switch
        {
            0 => source.Next(),
            1 => 2048 - (ulong)source.Next(),
            2 => ulong.MaxValue - source.Next(),
            _ => ((ulong)source.NextUInt32() << 32) | source.NextUInt32(),
        };
        var header = new GuestAddress(DataBase);
        _memory.Write(header, type);
        _memory.Write(header.Add(4), source.NextUInt32());
        _memory.Write(header.Add(8), sector);
        int count = 1 + (source.Next() % 6);
        var buffers = new SimulatedBuffer[count];
        ulong next = DataBase + 64;
        for (int i = 0; i < count; i++)
        {
            byte shape = source.Next();
            uint length = (shape % 5) switch
            {
                0 => 16,
                1 => 512U * (uint)(1 + (source.Next() % 16)),
                2 => source.Next(),
                3 => 1,
                _ => source.NextUInt16(),
            };
            var address = (shape & 0x40) != 0 && i > 0 ? new GuestAddress(0x7fff0 + (ulong)source.Next()) : new GuestAddress(next);
            if (address.Value == next)
            {
                for (uint o = 0; o + 16 <= Math.Min(length, 64u); o += 16)
                {
                    _memory.TryWrite(address.Add(o), source.NextUInt32());
                    _memory.TryWrite(address.Add(o + 4), 0u);
                    _memory.TryWrite(address.Add(o + 8), (uint)source.Next());
                    _memory.TryWrite(address.Add(o + 12), (uint)(source.Next() & 3));
                }

                next = (next + length + 64) % 0x30000 + DataBase;
            }

            buffers[i] = new SimulatedBuffer(address, length, (shape & 0x80) != 0);
        }

        var all = new SimulatedBuffer[count + 1];
        all[0] = new SimulatedBuffer(header, (source.Next() & 1) == 0 ? 16u : source.Next(), false);
        buffers.CopyTo(all, 1);
        ushort head = _queue.AddChain(all);
        _driver.Notify(0);
        if (!_queue.TryTakeUsed(out var used) || used.Id != head)
        {
            throw new InvalidOperationException("request not completed");
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _memory.DisposeRegions();
    }
}
