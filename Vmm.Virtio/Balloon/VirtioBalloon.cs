using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Vmm.Devices;

namespace Vmm.Virtio.Balloon;

/// <summary>
/// virtio-balloon (device type 5): the host sets a target size (num_pages, in 4 KiB pages) and the guest driver
/// inflates the balloon by handing over page frame numbers, which the device gives back to the host with
/// <c>madvise</c> through <see cref="Vmm.Memory.MemoryRegion.TryDiscard"/>; deflating needs only bookkeeping (the pages
/// fault back in, zeroed, when the guest touches them). Optional queues: statistics (the guest's memory statistics,
/// re-requested every <see cref="VirtioBalloonOptions.StatisticsInterval"/>) and free-page reporting (free blocks the
/// guest reports are given back like inflated pages). VIRTIO_BALLOON_F_DEFLATE_ON_OOM can be offered.
/// </summary>
/// <remarks>
/// <para>Queues: inflateq 0, deflateq 1, then statsq and reporting_vq when those features are negotiated, in that order
/// (the indices close up over queues the driver did not negotiate, as Linux and QEMU number them).</para>
/// <para>Every guest value is checked: page frame numbers outside RAM, in read-only memory or in a file the VMM mapped
/// are refused and counted; a request is capped at <see cref="MaxPagesPerRequest"/> entries; each batch of page
/// numbers is sorted and given back as maximal runs, one madvise per run. Nothing is allocated per request.</para>
/// </remarks>
public sealed class VirtioBalloon : VirtioDevice, IDeviceCounters
{
    /// <summary>The balloon's page size: page frame numbers always count 4 KiB pages.</summary>
    public const int PageSize = 4096;

    /// <summary>The size of the configuration space exposed: num_pages and actual (the hint and poison fields belong to features not offered).</summary>
    public const int ConfigLength = 8;

    /// <summary>The inflate queue.</summary>
    public const int InflateQueue = 0;

    /// <summary>The deflate queue.</summary>
    public const int DeflateQueue = 1;

    /// <summary>The most page frame numbers read from one inflate or deflate request (256 MiB); the rest are counted as truncated.</summary>
    public const int MaxPagesPerRequest = 1 << 16;

    /// <summary>The most statistics entries read from one stats buffer; the rest are ignored and counted.</summary>
    public const int MaxStatsEntries = 64;

    private const int BatchPages = 1024;

    private readonly VirtioBalloonOptions _options;
    private readonly IDeviceEventLoop? _events;
    private readonly ulong[] _statValues = new ulong[BalloonStatsParser.TagCount];
    private uint _statPresent;
    private long _statUpdates;
    private uint _targetPages;
    private uint _actualPages;
    private int _statsQueue = -1;
    private int _reportingQueue = -1;
    private int _heldStatsHead = -1;
    private IDeviceTimer? _statsTimer;

    private long _inflatedPages;
    private long _deflatedPages;
    private long _refusedPages;
    private long _duplicatePages;
    private long _truncatedPages;
    private long _discardCalls;
    private long _discardErrors;
    private long _reportedBytes;
    private long _refusedReportBytes;
    private long _statsIgnored;
    private long _malformed;

    /// <summary>Creates a balloon device.</summary>
    /// <param name="options">The initial target, the features to offer and the queue size.</param>
    /// <param name="events">The VMM's event loop, for the statistics timer; needed only with a positive <see cref="VirtioBalloonOptions.StatisticsInterval"/>.</param>
    /// <exception cref="ArgumentException">Invalid queue size (or under 32 with free-page reporting), negative interval, or a statistics interval without an event loop.</exception>
    public VirtioBalloon(VirtioBalloonOptions? options = null, IDeviceEventLoop? events = null)
    {
        _options = options ?? new VirtioBalloonOptions();
        if (!SplitRing.IsValidQueueSize(_options.QueueSize) || (_options.FreePageReporting && _options.QueueSize < 32))
        {
            throw new ArgumentException("The queue size must be a power of two up to 32768, and at least 32 with free-page reporting.", nameof(options));
        }

        if (_options.StatisticsInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("The statistics interval cannot be negative.", nameof(options));
        }

        if (_options.StatisticsInterval > TimeSpan.Zero && events is null)
        {
            throw new ArgumentException("A statistics interval needs an event loop for its timer.", nameof(events));
        }

        _events = events;
        _targetPages = _options.TargetPages;
    }

    /// <summary>Raised when the driver writes a new value into actual (on the thread of the configuration write; keep the handler short and do not call back into the transport).</summary>
    public event EventHandler? ActualPagesChanged;

    /// <summary>The balloon size the device asks for (num_pages), in 4 KiB pages.</summary>
    public uint TargetPages => Volatile.Read(ref _targetPages);

    /// <summary>The balloon size the driver reports (actual), in 4 KiB pages: guest-written, informational only.</summary>
    public uint ActualPages => Volatile.Read(ref _actualPages);

    /// <summary>Pages given back to the host on inflation (a page inflated twice counts twice).</summary>
    public long InflatedPages => Interlocked.Read(ref _inflatedPages);

    /// <summary>Bytes given back to the host through free-page reporting.</summary>
    public long ReportedBytes => Interlocked.Read(ref _reportedBytes);

    /// <summary>The latest statistics from the guest, or null before the first report.</summary>
    public VirtioBalloonStatistics? Statistics
    {
        get
        {
            lock (QueueLock)
            {
                return _statUpdates == 0 ? null : new VirtioBalloonStatistics(_statValues, _statPresent, _statUpdates);
            }
        }
    }

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Balloon;

    /// <inheritdoc/>
    public override int QueueCount => 2 + (OffersStats ? 1 : 0) + (_options.FreePageReporting ? 1 : 0);

    /// <inheritdoc/>
    public override int ConfigSize => ConfigLength;

    /// <inheritdoc/>
    protected override ulong DeviceFeatures =>
        (OffersStats ? VirtioBalloonFeatures.StatsQueue : 0)
        | (_options.DeflateOnOom ? VirtioBalloonFeatures.DeflateOnOom : 0)
        | (_options.FreePageReporting ? VirtioBalloonFeatures.PageReporting : 0);

    private bool OffersStats => _options.StatisticsInterval > TimeSpan.Zero;

    /// <summary>Sets the balloon size the device asks for (num_pages, 4 KiB pages) and tells an active driver (configuration-change interrupt, new configuration generation).</summary>
    public void SetTargetPages(uint pages)
    {
        lock (QueueLock)
        {
            Volatile.Write(ref _targetPages, pages);
            Context?.NotifyConfigChanged();
        }
    }

    /// <summary>
    /// Returns the statistics buffer the driver posted, which asks it for fresh statistics (the polling timer does this
    /// every interval). False when the device holds no buffer (not active, no stats queue, or the driver has not
    /// answered the previous request yet).
    /// </summary>
    public bool RequestStatistics()
    {
        lock (QueueLock)
        {
            if (Context is not { } context || _heldStatsHead < 0)
            {
                return false;
            }

            ushort head = (ushort)_heldStatsHead;
            _heldStatsHead = -1;
            var error = context.Queues[_statsQueue].AddUsed(head, 0);
            context.SignalUsedQueue(_statsQueue);
            if (error.IsFatal())
            {
                context.RequestReset();
                return false;
            }

            return error == QueueError.None;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<DeviceCounter> ReadCounters() =>
    [
        new("inflated-pages", InflatedPages),
        new("deflated-pages", Interlocked.Read(ref _deflatedPages)),
        new("refused-pages", Interlocked.Read(ref _refusedPages)),
        new("duplicate-pages", Interlocked.Read(ref _duplicatePages)),
        new("truncated-pages", Interlocked.Read(ref _truncatedPages)),
        new("discard-calls", Interlocked.Read(ref _discardCalls)),
        new("discard-errors", Interlocked.Read(ref _discardErrors)),
        new("reported-bytes", ReportedBytes),
        new("refused-report-bytes", Interlocked.Read(ref _refusedReportBytes)),
        new("stats-updates", Interlocked.Read(ref _statUpdates)),
        new("stats-ignored-entries", Interlocked.Read(ref _statsIgnored)),
        new("malformed-requests", Interlocked.Read(ref _malformed)),
    ];

    /// <inheritdoc/>
    public override ushort GetQueueMaxSize(int queueIndex) => _options.QueueSize;

    /// <inheritdoc/>
    public override void ReadConfig(int offset, Span<byte> data)
    {
        Span<byte> config = stackalloc byte[ConfigLength];
        BinaryPrimitives.WriteUInt32LittleEndian(config, TargetPages);
        BinaryPrimitives.WriteUInt32LittleEndian(config[4..], ActualPages);
        config.Slice(offset, data.Length).CopyTo(data);
    }

    /// <inheritdoc/>
    /// <remarks>Only actual (bytes 4–7) is driver-writable; a write to num_pages is ignored. Partial writes of actual merge with its current bytes.</remarks>
    public override void WriteConfig(int offset, ReadOnlySpan<byte> data)
    {
        if (offset + data.Length <= 4)
        {
            return;
        }

        Span<byte> config = stackalloc byte[ConfigLength];
        BinaryPrimitives.WriteUInt32LittleEndian(config[4..], ActualPages);
        data.CopyTo(config[offset..]);
        uint actual = BinaryPrimitives.ReadUInt32LittleEndian(config[4..]);
        if (Interlocked.Exchange(ref _actualPages, actual) != actual)
        {
            ActualPagesChanged?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <inheritdoc/>
    protected override bool OnActivate(VirtioDeviceContext context)
    {
        int next = 2;
        _statsQueue = context.HasFeatures(VirtioBalloonFeatures.StatsQueue) ? next++ : -1;
        _reportingQueue = context.HasFeatures(VirtioBalloonFeatures.PageReporting) ? next : -1;
        if (_statsQueue >= 0 && _events is not null)
        {
            _statsTimer = _events.CreateTimer(OnStatsTimer);
            _statsTimer.Arm(_options.StatisticsInterval, _options.StatisticsInterval);
        }

        // Linux primes the stats queue and kicks it before DRIVER_OK, when a transport drops notifications: take that
        // buffer now (it carries the first statistics and is the one to return for the next report).
        if (_statsQueue >= 0 && context.Queues[_statsQueue].IsReady)
        {
            ProcessStats();
        }

        return true;
    }

    /// <inheritdoc/>
    protected override void OnReset()
    {
        _statsTimer?.Dispose();
        _statsTimer = null;
        _heldStatsHead = -1;
        _statsQueue = -1;
        _reportingQueue = -1;
        Volatile.Write(ref _actualPages, 0);
    }

    /// <inheritdoc/>
    protected internal override void ProcessQueue(int queueIndex)
    {
        if (queueIndex == _statsQueue)
        {
            ProcessStats();
        }
        else if (queueIndex is InflateQueue or DeflateQueue || queueIndex == _reportingQueue)
        {
            ProcessChains(queueIndex);
        }
    }

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        if (queueIndex == _reportingQueue)
        {
            Report(chain);
        }
        else
        {
            ApplyPageList(chain, inflate: queueIndex == InflateQueue);
        }

        return 0;
    }

    private void ApplyPageList(in DescriptorChain chain, bool inflate)
    {
        uint readable = chain.ReadableLength;
        if (readable % sizeof(uint) != 0 || chain.WritableLength != 0)
        {
            Interlocked.Increment(ref _malformed);
        }

        uint entries = readable / sizeof(uint);
        uint remaining = Math.Min(entries, MaxPagesPerRequest);
        if (entries > remaining)
        {
            Interlocked.Add(ref _truncatedPages, entries - remaining);
        }

        var memory = chain.Memory;
        var reader = chain.CreateReader();
        Span<uint> batch = stackalloc uint[BatchPages];
        var tally = default(PageTally);
        long duplicates = 0;
        while (remaining > 0)
        {
            var pages = batch[..(int)Math.Min(remaining, (uint)BatchPages)];
            if (!reader.TryRead(MemoryMarshal.AsBytes(pages)))
            {
                Interlocked.Increment(ref _malformed);
                break;
            }

            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(pages, pages);
            }

            pages.Sort();
            var runs = new PageRunEnumerator(pages);
            while (runs.MoveNext())
            {
                GuestPageRanges.Apply(memory, runs.FirstPage << GuestPageRanges.PageShift, runs.PageCount << GuestPageRanges.PageShift, inflate, ref tally);
            }

            duplicates += runs.Duplicates;
            remaining -= (uint)pages.Length;
        }

        Interlocked.Add(ref inflate ? ref _inflatedPages : ref _deflatedPages, (long)(tally.Accepted >> GuestPageRanges.PageShift));
        Interlocked.Add(ref _refusedPages, (long)(tally.Refused >> GuestPageRanges.PageShift));
        Interlocked.Add(ref _discardErrors, (long)(tally.Failed >> GuestPageRanges.PageShift));
        Interlocked.Add(ref _discardCalls, tally.Calls);
        Interlocked.Add(ref _duplicatePages, duplicates);
    }

    private void Report(in DescriptorChain chain)
    {
        var memory = chain.Memory;
        var tally = default(PageTally);
        ulong unaligned = 0;
        foreach (var descriptor in chain.Descriptors)
        {
            if (!descriptor.IsWriteOnly)
            {
                Interlocked.Increment(ref _malformed);
                continue;
            }

            // Only the whole pages inside the buffer are free; the ragged edges stay.
            ulong start = descriptor.Address.Value;
            ulong end = start + descriptor.Length;
            if (end < start)
            {
                tally.Refused += descriptor.Length;
                continue;
            }

            ulong first = (start + (GuestPageRanges.PageSize - 1)) & ~(GuestPageRanges.PageSize - 1);
            ulong last = end & ~(GuestPageRanges.PageSize - 1);
            if (first < start || last <= first)
            {
                unaligned += descriptor.Length;
                continue;
            }

            unaligned += descriptor.Length - (last - first);
            GuestPageRanges.Apply(memory, first, last - first, discard: true, ref tally);
        }

        Interlocked.Add(ref _reportedBytes, (long)tally.Accepted);
        Interlocked.Add(ref _refusedReportBytes, (long)(tally.Refused + unaligned));
        Interlocked.Add(ref _discardErrors, (long)(tally.Failed >> GuestPageRanges.PageShift));
        Interlocked.Add(ref _discardCalls, tally.Calls);
    }

    /// <summary>
    /// The stats queue: each buffer the driver posts carries its statistics; the device keeps the newest buffer (to
    /// return when it wants the next report) and returns any older one at once.
    /// </summary>
    private void ProcessStats()
    {
        var context = Context!;
        var queue = context.Queues[_statsQueue];
        bool completed = false;
        while (true)
        {
            QueueError error;
            if (queue.TryPop(out var chain, out error))
            {
                ParseStats(chain);
                int previous = _heldStatsHead;
                _heldStatsHead = chain.HeadIndex;
                error = previous >= 0 ? queue.AddUsed((ushort)previous, 0) : QueueError.None;
                completed |= previous >= 0;
            }
            else if (error == QueueError.None)
            {
                break;
            }
            else if (chain.HasUsableHead && error.IsChainError())
            {
                error = queue.AddUsed(chain.HeadIndex, 0);
                completed = true;
            }

            if (error.IsFatal() || error == QueueError.QueueNotReady)
            {
                context.RequestReset();
                break;
            }
        }

        if (completed)
        {
            context.SignalUsedQueue(_statsQueue);
        }
    }

    private void ParseStats(in DescriptorChain chain)
    {
        uint readable = chain.ReadableLength;
        int length = (int)Math.Min(readable, (uint)(MaxStatsEntries * BalloonStatsParser.EntrySize)) / BalloonStatsParser.EntrySize * BalloonStatsParser.EntrySize;
        long ignored = (readable - (uint)length) / BalloonStatsParser.EntrySize;
        if (readable % BalloonStatsParser.EntrySize != 0 || chain.WritableLength != 0)
        {
            Interlocked.Increment(ref _malformed);
        }

        Span<byte> bytes = stackalloc byte[MaxStatsEntries * BalloonStatsParser.EntrySize];
        var reader = chain.CreateReader();
        if (!reader.TryRead(bytes[..length]))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        Span<ulong> values = stackalloc ulong[BalloonStatsParser.TagCount];
        BalloonStatsParser.Parse(bytes[..length], values, out uint present, out int unknown);
        values.CopyTo(_statValues);
        _statPresent = present;
        Interlocked.Increment(ref _statUpdates);
        Interlocked.Add(ref _statsIgnored, ignored + unknown);
    }

    private void OnStatsTimer() => RequestStatistics();
}
