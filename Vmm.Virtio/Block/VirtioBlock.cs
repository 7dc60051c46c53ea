using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Vmm.Devices;
using Vmm.Virtio.Interop;
using Vmm.Virtio.RateLimiting;

namespace Vmm.Virtio.Block;

/// <summary>
/// virtio-blk backed by a raw image file used as-is (no format, no locking: the VMM locks the image if it wants to).
/// One request queue. Every request is validated before any I/O: header readable (16 bytes), status byte the last
/// device-writable byte, data lengths multiples of 512, sector ranges inside the capacity with overflow-safe arithmetic,
/// segment count and size within seg_max/size_max, GET_ID exactly 20 bytes, reserved flags refused; failures complete
/// with VIRTIO_BLK_S_IOERR or VIRTIO_BLK_S_UNSUPP. Data moves straight between the file and guest memory (pread/pwrite);
/// FLUSH is fdatasync; DISCARD punches holes; WRITE_ZEROES uses fallocate (ZERO_RANGE, or PUNCH_HOLE when the driver allows unmapping).
/// </summary>
public sealed class VirtioBlock : VirtioDevice, IDeviceCounters
{
    /// <summary>The sector size of the protocol.</summary>
    public const int SectorSize = 512;

    /// <summary>The length of the GET_ID answer.</summary>
    public const int IdLength = 20;

    /// <summary>The size of struct virtio_blk_config up to write_zeroes_may_unmap, padded (the size of its layout struct, checked by a test).</summary>
    public const int ConfigLength = 60;

    private const uint MaxRangeSectors = 0x40_0000;
    private const uint MaxRangeSegments = 32;
    private const uint DiscardAlignmentSectors = 8;
    private static readonly int BlockRequestHeaderSize = Unsafe.SizeOf<BlockRequestHeader>();
    private static readonly int RangeSegmentSize = Unsafe.SizeOf<BlockRangeSegment>();

    private readonly SafeFileHandle _file;
    private readonly VirtioBlockOptions _options;
    private readonly byte[] _config = new byte[ConfigLength];
    private readonly byte[] _id = new byte[IdLength];
    private readonly IDeviceEventLoop? _events;
    private readonly QueueRateLimit? _limit;
    private long _requests;
    private long _failures;

    /// <summary>Creates a block device over <paramref name="image"/> (opened for reading, and writing unless read-only).</summary>
    /// <param name="image">The raw image.</param>
    /// <param name="options">How the device presents the image.</param>
    /// <param name="events">The event loop whose timer resumes a rate-limited queue; required with <see cref="VirtioBlockOptions.RateLimit"/>.</param>
    /// <exception cref="ArgumentException">The serial is longer than 20 bytes, the queue size is invalid, or a rate limit comes without an event loop.</exception>
    public VirtioBlock(SafeFileHandle image, VirtioBlockOptions? options = null, IDeviceEventLoop? events = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        _file = image;
        _options = options ?? new VirtioBlockOptions();
        _events = events;
        if (_options.RateLimit is { IsEnabled: true } limit)
        {
            _limit = new QueueRateLimit(new RateLimiter(limit, _options.Time));
            if (events is null)
            {
                throw new ArgumentException("A rate-limited block device needs the event loop for its timer.", nameof(events));
            }
        }

        if (Encoding.UTF8.GetByteCount(_options.Serial) > IdLength)
        {
            throw new ArgumentException("The serial is longer than 20 bytes.", nameof(options));
        }

        if (!SplitRing.IsValidQueueSize(_options.QueueSize))
        {
            throw new ArgumentException("The queue size must be a power of two up to 32768.", nameof(options));
        }

        Encoding.UTF8.GetBytes(_options.Serial, _id);
        CapacitySectors = (ulong)RandomAccess.GetLength(image) / SectorSize;
        var config = new VirtioBlockConfig
        {
            Capacity = CapacitySectors,
            SizeMax = _options.MaxSegmentSize,
            SegMax = _options.MaxSegments,
            BlockSize = SectorSize,
            NumQueues = 1,
            MaxDiscardSectors = MaxRangeSectors,
            MaxDiscardSegments = MaxRangeSegments,
            DiscardSectorAlignment = DiscardAlignmentSectors,
            MaxWriteZeroesSectors = MaxRangeSectors,
            MaxWriteZeroesSegments = MaxRangeSegments,
            WriteZeroesMayUnmap = 1,
        };
        MemoryMarshal.Write(_config, in config);
    }

    /// <summary>The capacity in 512-byte sectors (a trailing partial sector of the image is not exposed).</summary>
    public ulong CapacitySectors { get; }

    /// <summary>Requests completed.</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Requests completed with a status other than OK (or without a status byte to write).</summary>
    public long FailedRequestCount => Interlocked.Read(ref _failures);

    /// <inheritdoc/>
    public IReadOnlyList<DeviceCounter> ReadCounters() => [new("requests", RequestCount), new("failed", FailedRequestCount)];

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Block;

    /// <inheritdoc/>
    public override int QueueCount => 1;

    /// <inheritdoc/>
    public override int ConfigSize => ConfigLength;

    /// <inheritdoc/>
    protected override ulong DeviceFeatures =>
        VirtioBlockFeatures.SizeMax | VirtioBlockFeatures.SegMax | VirtioBlockFeatures.BlockSize | VirtioBlockFeatures.Flush
        | (_options.ReadOnly ? VirtioBlockFeatures.ReadOnly : 0)
        | (_options.Discard ? VirtioBlockFeatures.Discard : 0)
        | (_options.WriteZeroes ? VirtioBlockFeatures.WriteZeroes : 0);

    /// <inheritdoc/>
    public override ushort GetQueueMaxSize(int queueIndex) => _options.QueueSize;

    /// <inheritdoc/>
    public override void ReadConfig(int offset, Span<byte> data) => _config.AsSpan(offset, data.Length).CopyTo(data);

    /// <summary>The rate limit, or null.</summary>
    public QueueRateLimit? RateLimit => _limit;

    /// <inheritdoc/>
    protected internal override void ProcessQueue(int queueIndex) => ProcessChains(queueIndex);

    /// <inheritdoc/>
    protected override bool OnActivate(VirtioDeviceContext context)
    {
        _limit?.Attach(_events!, OnRefilled);
        return true;
    }

    /// <inheritdoc/>
    protected override void OnReset() => _limit?.Detach();

    /// <inheritdoc/>
    protected override bool AdmitChain(int queueIndex, in DescriptorChain chain)
    {
        if (_limit is null)
        {
            return true;
        }

        // Data bytes: what a read fills (less the status byte) or a write carries (less the header); other requests cost an operation only.
        long readBytes = Math.Max(0, (long)chain.WritableLength - 1);
        long writeBytes = Math.Max(0, (long)chain.ReadableLength - BlockRequestHeaderSize);
        return _limit.TryConsume(Math.Max(readBytes, writeBytes));
    }

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        Interlocked.Increment(ref _requests);
        var writer = chain.CreateWriter();
        if (chain.WritableLength == 0)
        {
            Interlocked.Increment(ref _failures);
            return 0;
        }

        var reader = chain.CreateReader();
        VirtioBlockStatus status;
        try
        {
            status = Execute(chain, ref reader, ref writer);
        }
        catch (IOException)
        {
            status = VirtioBlockStatus.IoError;
        }
        catch (UnauthorizedAccessException)
        {
            status = VirtioBlockStatus.IoError;
        }

        if (status != VirtioBlockStatus.Ok)
        {
            Interlocked.Increment(ref _failures);
        }

        uint statusOffset = chain.WritableLength - 1;
        writer.TrySkip(statusOffset - writer.BytesWritten);
        return writer.TryWrite((byte)status) ? writer.BytesWritten : statusOffset;
    }

    private void OnRefilled()
    {
        lock (QueueLock)
        {
            if (Context is null)
            {
                return;
            }

            try
            {
                ProcessChains(0);
            }
            catch (Exception)
            {
                // No transport around a timer callback: report the failure to the driver as the transport would.
                Context?.RequestReset();
            }
        }
    }

    private VirtioBlockStatus Execute(in DescriptorChain chain, ref DescriptorChainReader reader, ref DescriptorChainWriter writer)
    {
        if (!reader.TryRead(out BlockRequestHeader header))
        {
            return VirtioBlockStatus.IoError;
        }

        uint writableData = chain.WritableLength - 1;
        switch ((VirtioBlockRequestType)header.Type)
        {
            case VirtioBlockRequestType.In:
                if (!DataShapeValid(chain, writableData, writable: true) || !InRange(header.Sector, writableData / SectorSize))
                {
                    return VirtioBlockStatus.IoError;
                }

                return writer.TryReadFrom(_file, (long)header.Sector * SectorSize, writableData, out _) ? VirtioBlockStatus.Ok : VirtioBlockStatus.IoError;

            case VirtioBlockRequestType.Out:
                uint length = reader.Remaining;
                if (_options.ReadOnly || !DataShapeValid(chain, length, writable: false) || !InRange(header.Sector, length / SectorSize))
                {
                    return VirtioBlockStatus.IoError;
                }

                return reader.TryWriteTo(_file, (long)header.Sector * SectorSize, length) ? VirtioBlockStatus.Ok : VirtioBlockStatus.IoError;

            case VirtioBlockRequestType.Flush:
                return Libc.Fdatasync(_file) == 0 ? VirtioBlockStatus.Ok : VirtioBlockStatus.IoError;

            case VirtioBlockRequestType.GetId:
                return writableData >= IdLength && writer.TryWrite(_id) ? VirtioBlockStatus.Ok : VirtioBlockStatus.IoError;

            case VirtioBlockRequestType.Discard when _options.Discard:
            case VirtioBlockRequestType.WriteZeroes when _options.WriteZeroes:
                return _options.ReadOnly
                    ? VirtioBlockStatus.IoError
                    : ExecuteRanges(ref reader, (VirtioBlockRequestType)header.Type == VirtioBlockRequestType.Discard);

            default:
                return VirtioBlockStatus.Unsupported;
        }
    }

    private bool DataShapeValid(in DescriptorChain chain, uint length, bool writable)
    {
        if (length % SectorSize != 0)
        {
            return false;
        }

        // The data buffers: the readable ones after the header (OUT) or the writable ones before the status (IN).
        var descriptors = chain.Descriptors;
        var data = writable ? descriptors[chain.ReadableCount..] : descriptors[..chain.ReadableCount];
        int segments = 0;
        foreach (var d in data)
        {
            if (d.Length > _options.MaxSegmentSize + (uint)(writable ? 1 : BlockRequestHeaderSize))
            {
                return false;
            }

            segments++;
        }

        // The header and the status may share a buffer with data, so allow them one extra segment.
        return segments <= _options.MaxSegments + 1;
    }

    private bool InRange(ulong sector, ulong count) => sector <= CapacitySectors && count <= CapacitySectors - sector;

    private VirtioBlockStatus ExecuteRanges(ref DescriptorChainReader reader, bool discard)
    {
        uint length = reader.Remaining;
        int size = RangeSegmentSize;
        if (length == 0 || length % size != 0 || length / size > MaxRangeSegments)
        {
            return VirtioBlockStatus.IoError;
        }

        Span<BlockRangeSegment> segments = stackalloc BlockRangeSegment[(int)MaxRangeSegments];
        int count = (int)(length / size);
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryRead(out segments[i]))
            {
                return VirtioBlockStatus.IoError;
            }

            var s = segments[i];
            uint reserved = discard ? ~0u : ~BlockRangeSegment.UnmapFlag;
            if ((s.Flags & reserved) != 0)
            {
                return VirtioBlockStatus.Unsupported;
            }

            if (s.SectorCount > MaxRangeSectors || !InRange(s.Sector, s.SectorCount))
            {
                return VirtioBlockStatus.IoError;
            }
        }

        for (int i = 0; i < count; i++)
        {
            var s = segments[i];
            long offset = (long)s.Sector * SectorSize;
            long bytes = (long)s.SectorCount * SectorSize;
            if (bytes == 0)
            {
                continue;
            }

            bool ok = discard
                ? Punch(offset, bytes, optional: true)
                : (s.Flags & BlockRangeSegment.UnmapFlag) != 0 ? Punch(offset, bytes, optional: false) : ZeroRange(offset, bytes);
            if (!ok)
            {
                return VirtioBlockStatus.IoError;
            }
        }

        return VirtioBlockStatus.Ok;
    }

    private bool Punch(long offset, long length, bool optional)
    {
        if (Libc.Fallocate(_file, Libc.FallocPunchHole | Libc.FallocKeepSize, offset, length) == 0)
        {
            return true;
        }

        // A discard is a hint: a file system that cannot punch holes just keeps the data.
        return Marshal.GetLastPInvokeError() == Libc.EOPNOTSUPP && (optional || ZeroRange(offset, length));
    }

    private bool ZeroRange(long offset, long length)
    {
        if (Libc.Fallocate(_file, Libc.FallocZeroRange | Libc.FallocKeepSize, offset, length) == 0)
        {
            return true;
        }

        if (Marshal.GetLastPInvokeError() != Libc.EOPNOTSUPP)
        {
            return false;
        }

        ReadOnlySpan<byte> zeroes = stackalloc byte[4096];
        for (long done = 0; done < length; done += zeroes.Length)
        {
            RandomAccess.Write(_file, zeroes[..(int)Math.Min(zeroes.Length, length - done)], offset + done);
        }

        return true;
    }
}
