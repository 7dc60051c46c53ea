using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmm.Devices;
using Vmm.Virtio.Interop;
using Vmm.Virtio.RateLimiting;

namespace Vmm.Virtio.Net;

/// <summary>
/// virtio-net (device type 1) over a Linux <see cref="Tap"/>: receiveq 0, transmitq 1, the MAC and link status in the
/// configuration space, checksum and segmentation offloads passed through to the tap in the virtio-net header, and
/// mergeable receive buffers. Frames never pass through managed buffers: a received frame is read by one readv(2)
/// straight into the guest's posted buffers; a transmitted frame leaves by one writev(2) straight from the guest's
/// buffers (its 12-byte header copied first, so the header the tap sees is the one that was validated).
/// </summary>
/// <remarks>
/// <para>Receive is driven by the tap's readiness through <see cref="IDeviceEventLoop"/>: the device watches the tap
/// for readability only while it holds receive buffers, and asks the driver for a notification when it runs out.
/// Transmit runs on the driver's notification, draining the queue and raising one interrupt per batch.</para>
/// <para>Malformed transmit frames (header short, empty, longer than <see cref="MaxFrameLength"/>, undefined or
/// unnegotiated header contents, buffers outside guest memory) are returned with length 0 and counted per
/// <see cref="VirtioNetDrop"/>; the queues never wait on each other. Optional rate limiters block a queue and resume
/// it from an event-loop timer.</para>
/// <para>The device owns the tap and closes it on <see cref="Dispose"/>.</para>
/// </remarks>
public sealed unsafe class VirtioNet : VirtioDevice, IDeviceCounters, IDisposable
{
    /// <summary>The receive queue (host → guest).</summary>
    public const int ReceiveQueue = 0;

    /// <summary>The transmit queue (guest → host).</summary>
    public const int TransmitQueue = 1;

    /// <summary>The longest frame after the header, either way: 64 KiB plus an Ethernet header (the size Linux's big receive buffers are made for).</summary>
    public const int MaxFrameLength = 65550;

    /// <summary>The configuration space: mac[6], status, max_virtqueue_pairs.</summary>
    public const int ConfigLength = 10;

    /// <summary>VIRTIO_NET_S_LINK_UP.</summary>
    public const ushort StatusLinkUp = 1;

    private const int SmallFrameLength = 1518;
    private const int MaxSegments = 1024;
    private const int RxFramesPerWake = 256;
    private const int RxTarget = VirtioNetHeader.Size + MaxFrameLength;

    private static readonly string[] DropNames =
    [
        "tx-dropped-header-short", "tx-dropped-empty", "tx-dropped-oversized", "tx-dropped-bad-header",
        "tx-dropped-too-many-segments", "tx-dropped-bad-buffer", "tx-dropped-tap-rejected", "tx-dropped-tap-error",
        "tx-dropped-bad-chain", "rx-dropped-truncated", "rx-dropped-bad-buffer", "rx-dropped-bad-chain", "rx-dropped-tap-error",
    ];

    private readonly Tap _tap;
    private readonly IDeviceEventLoop _events;
    private readonly VirtioNetOptions _options;
    private readonly byte[] _config = new byte[ConfigLength];
    private readonly RxBufferList _rx;
    private readonly Iovec[] _txIov = GC.AllocateArray<Iovec>(MaxSegments, pinned: true);
    private readonly byte[] _txHeader = GC.AllocateArray<byte>(VirtioNetHeader.Size, pinned: true);
    private readonly QueueRateLimit? _rxLimit;
    private readonly QueueRateLimit? _txLimit;
    private readonly long[] _drops = new long[DropNames.Length];
    private readonly Action<DeviceEvents> _onTapEvent;
    private long _rxFrames;
    private long _rxBytes;
    private long _txFrames;
    private long _txBytes;
    private long _faults;
    private IDeviceEventRegistration? _tapWatch;
    private bool _watchingReadable;
    private bool _rxNotifications = true;
    private ushort _status = StatusLinkUp;
    private bool _mergeable;
    private bool _guestChecksum;
    private long _rxDeferred;
    private bool _disposed;

    /// <summary>Creates the device over <paramref name="tap"/> (which it then owns), woken through <paramref name="events"/>.</summary>
    /// <exception cref="ArgumentException">The queue size is invalid or the MAC is a multicast address.</exception>
    public VirtioNet(Tap tap, IDeviceEventLoop events, VirtioNetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tap);
        ArgumentNullException.ThrowIfNull(events);
        _tap = tap;
        _events = events;
        _options = options ?? new VirtioNetOptions();
        if (!SplitRing.IsValidQueueSize(_options.QueueSize))
        {
            throw new ArgumentException("The queue size must be a power of two up to 32768.", nameof(options));
        }

        Mac = _options.Mac ?? MacAddress.CreateRandom();
        if (Mac.IsMulticast)
        {
            throw new ArgumentException($"{Mac} is a multicast address; a NIC needs a unicast one.", nameof(options));
        }

        Mac.CopyTo(_config);
        BinaryPrimitives.WriteUInt16LittleEndian(_config.AsSpan(8), 1);
        _rx = new RxBufferList(_options.QueueSize);
        _rxLimit = CreateLimit(_options.ReceiveRateLimit, _options.Time);
        _txLimit = CreateLimit(_options.TransmitRateLimit, _options.Time);
        _onTapEvent = OnTapEvent;
    }

    /// <summary>The MAC address the driver reads.</summary>
    public MacAddress Mac { get; }

    /// <summary>The tap.</summary>
    public Tap Tap => _tap;

    /// <summary>Whether the link is up (false once the tap failed or went away).</summary>
    public bool IsLinkUp => (Volatile.Read(ref _status) & StatusLinkUp) != 0;

    /// <summary>Frames delivered to the guest.</summary>
    public long ReceivedFrames => Interlocked.Read(ref _rxFrames);

    /// <summary>Frame bytes delivered to the guest (headers not counted).</summary>
    public long ReceivedBytes => Interlocked.Read(ref _rxBytes);

    /// <summary>Frames written to the tap.</summary>
    public long TransmittedFrames => Interlocked.Read(ref _txFrames);

    /// <summary>Frame bytes written to the tap (headers not counted).</summary>
    public long TransmittedBytes => Interlocked.Read(ref _txBytes);

    /// <summary>The receive rate limit, or null.</summary>
    public QueueRateLimit? ReceiveRateLimit => _rxLimit;

    /// <summary>The transmit rate limit, or null.</summary>
    public QueueRateLimit? TransmitRateLimit => _txLimit;

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Network;

    /// <inheritdoc/>
    public override int QueueCount => 2;

    /// <inheritdoc/>
    public override int ConfigSize => ConfigLength;

    /// <inheritdoc/>
    protected override ulong DeviceFeatures => VirtioNetFeatures.All;

    /// <summary>How many frames were dropped for <paramref name="reason"/>.</summary>
    public long Dropped(VirtioNetDrop reason) => (uint)reason < (uint)_drops.Length ? Interlocked.Read(ref _drops[(int)reason]) : 0;

    /// <inheritdoc/>
    public IReadOnlyList<DeviceCounter> ReadCounters()
    {
        var counters = new List<DeviceCounter>(DropNames.Length + 7)
        {
            new("rx-frames", ReceivedFrames),
            new("rx-bytes", ReceivedBytes),
            new("tx-frames", TransmittedFrames),
            new("tx-bytes", TransmittedBytes),
        };
        for (int i = 0; i < DropNames.Length; i++)
        {
            counters.Add(new(DropNames[i], Interlocked.Read(ref _drops[i])));
        }

        counters.Add(new("rx-throttled", _rxLimit?.ThrottledCount ?? 0));
        counters.Add(new("tx-throttled", _txLimit?.ThrottledCount ?? 0));
        counters.Add(new("faults", Interlocked.Read(ref _faults)));
        return counters;
    }

    /// <inheritdoc/>
    public override ushort GetQueueMaxSize(int queueIndex) => _options.QueueSize;

    /// <inheritdoc/>
    public override void ReadConfig(int offset, Span<byte> data)
    {
        Span<byte> config = stackalloc byte[ConfigLength];
        _config.CopyTo(config);
        BinaryPrimitives.WriteUInt16LittleEndian(config[6..], Volatile.Read(ref _status));
        config.Slice(offset, data.Length).CopyTo(data);
    }

    /// <summary>Stops watching the tap, releases the timers and closes the tap.</summary>
    public void Dispose()
    {
        lock (QueueLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            StopWatching();
            _rxLimit?.Dispose();
            _txLimit?.Dispose();
            _tap.Dispose();
        }
    }

    /// <inheritdoc/>
    protected internal override void ProcessQueue(int queueIndex)
    {
        if (queueIndex == ReceiveQueue)
        {
            ProcessReceive();
        }
        else if (queueIndex == TransmitQueue)
        {
            ProcessChains(TransmitQueue);
        }
    }

    /// <inheritdoc/>
    protected override bool OnActivate(VirtioDeviceContext context)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool guestGso = (context.NegotiatedFeatures & (VirtioNetFeatures.GuestTso4 | VirtioNetFeatures.GuestTso6 | VirtioNetFeatures.GuestUfo)) != 0;
        bool hostGso = (context.NegotiatedFeatures & (VirtioNetFeatures.HostTso4 | VirtioNetFeatures.HostTso6 | VirtioNetFeatures.HostUfo)) != 0;
        _guestChecksum = context.HasFeatures(VirtioNetFeatures.GuestChecksum);
        if ((guestGso && !_guestChecksum) || (hostGso && !context.HasFeatures(VirtioNetFeatures.Checksum)))
        {
            // VIRTIO 1.2 §5.1.3.1: segmentation offloads need the matching checksum offload.
            return false;
        }

        uint offloads = 0;
        if (_guestChecksum)
        {
            offloads = Tap.OffloadChecksum
                | (context.HasFeatures(VirtioNetFeatures.GuestTso4) ? Tap.OffloadTso4 : 0)
                | (context.HasFeatures(VirtioNetFeatures.GuestTso6) ? Tap.OffloadTso6 : 0)
                | (context.HasFeatures(VirtioNetFeatures.GuestUfo) ? Tap.OffloadUfo : 0);
        }

        if (_tap.SetOffload(offloads) != 0)
        {
            return false;
        }

        _mergeable = context.HasFeatures(VirtioNetFeatures.MergeableRxBuffers);
        _rxNotifications = true;
        _tapWatch = _events.Watch(_tap.Handle, DeviceEvents.Readable, _onTapEvent);
        _watchingReadable = true;
        _rxLimit?.Attach(_events, OnReceiveRefilled);
        _txLimit?.Attach(_events, OnTransmitRefilled);
        return true;
    }

    /// <inheritdoc/>
    protected override void OnReset()
    {
        StopWatching();
        _rxLimit?.Detach();
        _txLimit?.Detach();
        _rx.Clear();
        _rxDeferred = 0;
        if (!_disposed)
        {
            _ = _tap.SetOffload(0);
        }
    }

    private static QueueRateLimit? CreateLimit(RateLimiterOptions? options, TimeProvider time) =>
        options is { IsEnabled: true } ? new QueueRateLimit(new RateLimiter(options, time)) : null;

    private void OnTapEvent(DeviceEvents ready)
    {
        lock (QueueLock)
        {
            if (Context is null || _tapWatch is null)
            {
                return;
            }

            if ((ready & (DeviceEvents.Error | DeviceEvents.HangUp)) != 0)
            {
                LinkLost();
                return;
            }

            Guarded(ReceiveQueue);
        }
    }

    private void OnReceiveRefilled()
    {
        lock (QueueLock)
        {
            if (Context is not null)
            {
                Guarded(ReceiveQueue);
            }
        }
    }

    private void OnTransmitRefilled()
    {
        lock (QueueLock)
        {
            if (Context is not null)
            {
                Guarded(TransmitQueue);
            }
        }
    }

    // Event-loop callbacks have no transport around them to turn an exception into DEVICE_NEEDS_RESET.
    private void Guarded(int queueIndex)
    {
        try
        {
            ProcessQueue(queueIndex);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _faults);
            StopWatching();
            Context?.RequestReset();
        }
    }

    private void ProcessReceive()
    {
        var context = Context!;
        var queue = context.Queues[ReceiveQueue];
        if (!queue.IsReady || _tapWatch is null)
        {
            SetReadable(false);
            return;
        }

        bool completed = false;
        int frames = 0;
        while (true)
        {
            if (_rxDeferred > 0)
            {
                // A frame already in the guest's buffers, held back by the rate limiter.
                if (!_rxLimit!.TryConsume(_rxDeferred - VirtioNetHeader.Size))
                {
                    SetReadable(false);
                    break;
                }

                long deferred = _rxDeferred;
                _rxDeferred = 0;
                if (!Deliver(context, queue, deferred))
                {
                    return;
                }

                completed = true;
                frames++;
                continue;
            }

            if (_rxLimit is { IsBlocked: true })
            {
                SetReadable(false);
                break;
            }

            if (frames >= RxFramesPerWake)
            {
                SetReadable(true);
                break;
            }

            var fill = FillBuffers(context, queue, ref completed);
            if (fill == RxFill.Fatal)
            {
                SetReadable(false);
                if (completed)
                {
                    context.SignalUsedQueue(ReceiveQueue);
                }

                context.RequestReset();
                return;
            }

            if (fill == RxFill.Starved)
            {
                SetReadable(false);
                if (!_rxNotifications)
                {
                    _rxNotifications = true;
                    if (queue.EnableNotification())
                    {
                        continue;
                    }
                }

                break;
            }

            if (_rxNotifications)
            {
                _rxNotifications = false;
                queue.DisableNotification();
            }

            nint n = _tap.ReadV(_rx.Pieces, _rx.PieceCountWithSink);
            if (n == -Tun.EAGAIN)
            {
                SetReadable(true);
                break;
            }

            if (n < VirtioNetHeader.Size)
            {
                Drop(VirtioNetDrop.RxTapError);
                if (n < 0)
                {
                    LinkLost();
                    break;
                }

                frames++;
                continue;
            }

            if (n > _rx.Capacity)
            {
                // The frame reached the sink after the buffers: it did not fit.
                Drop(VirtioNetDrop.RxTruncated);
                frames++;
                continue;
            }

            if (_rxLimit is not null && !_rxLimit.TryConsume(n - VirtioNetHeader.Size))
            {
                _rxDeferred = n;
                SetReadable(false);
                break;
            }

            if (!Deliver(context, queue, n))
            {
                return;
            }

            completed = true;
            frames++;
        }

        if (completed)
        {
            context.SignalUsedQueue(ReceiveQueue);
        }
    }

    private RxFill FillBuffers(VirtioDeviceContext context, SplitQueue queue, ref bool completed)
    {
        int maxChains = _mergeable ? int.MaxValue : 1;
        while (_rx.Capacity < RxTarget && _rx.ChainCount < maxChains && _rx.HasRoom)
        {
            if (!queue.TryPop(out var chain, out var error))
            {
                if (error == QueueError.None)
                {
                    break;
                }

                if (!chain.HasUsableHead || !error.IsChainError())
                {
                    return RxFill.Fatal;
                }

                Drop(VirtioNetDrop.RxBadChain);
                if (queue.AddUsed(chain.HeadIndex, 0).IsFatal())
                {
                    return RxFill.Fatal;
                }

                completed = true;
                continue;
            }

            if (!_rx.TryAdd(chain))
            {
                Drop(VirtioNetDrop.RxBadBuffer);
                if (queue.AddUsed(chain.HeadIndex, 0).IsFatal())
                {
                    return RxFill.Fatal;
                }

                completed = true;
            }
        }

        if (_rx.ChainCount == 0)
        {
            return RxFill.Starved;
        }

        // With mergeable buffers hold enough for the largest frame when the driver has posted that much; with less,
        // read once a full-sized Ethernet frame fits (a larger one is then dropped, as a NIC out of buffers would).
        bool enough = !_mergeable || !_rx.HasRoom || _rx.Capacity >= VirtioNetHeader.Size + SmallFrameLength;
        return enough ? RxFill.Ready : RxFill.Starved;
    }

    private bool Deliver(VirtioDeviceContext context, SplitQueue queue, long length)
    {
        int chains = _rx.ChainsFor(length);
        _rx.WriteUInt16(10, (ushort)chains);
        if (!_guestChecksum)
        {
            // Without GUEST_CSUM the flags must be 0 (the tap may still say DATA_VALID).
            _rx.WriteBytes(0, [0]);
        }

        long remaining = length;
        for (int i = 0; i < chains; i++)
        {
            uint used = (uint)Math.Min(_rx.Length(i), remaining);
            remaining -= used;
            if (queue.AddUsed(_rx.Head(i), used).IsFatal())
            {
                _rx.Clear();
                SetReadable(false);
                context.RequestReset();
                return false;
            }
        }

        _rx.RemoveFirst(chains);
        Interlocked.Increment(ref _rxFrames);
        Interlocked.Add(ref _rxBytes, length - VirtioNetHeader.Size);
        return true;
    }

    /// <inheritdoc/>
    protected override bool AdmitChain(int queueIndex, in DescriptorChain chain) =>
        _txLimit is null || _txLimit.TryConsume(Math.Max(0, (long)chain.ReadableLength - VirtioNetHeader.Size));

    /// <inheritdoc/>
    protected override void OnMalformedChain(int queueIndex, QueueError error) => Drop(VirtioNetDrop.TxBadChain);

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        Transmit(chain);
        return 0;
    }

    /// <summary>Sends one transmit chain with one writev, or drops and counts it.</summary>
    private void Transmit(in DescriptorChain chain)
    {
        uint total = chain.ReadableLength;
        if (total < VirtioNetHeader.Size)
        {
            Drop(VirtioNetDrop.TxHeaderShort);
            return;
        }

        uint frame = total - VirtioNetHeader.Size;
        if (frame == 0)
        {
            Drop(VirtioNetDrop.TxEmptyFrame);
            return;
        }

        if (frame > MaxFrameLength)
        {
            Drop(VirtioNetDrop.TxOversized);
            return;
        }

        var reader = chain.CreateReader();
        if (!reader.TryRead(_txHeader))
        {
            Drop(VirtioNetDrop.TxBadBuffer);
            return;
        }

        if (!TransmitHeaderValid(MemoryMarshal.Read<VirtioNetHeader>(_txHeader), frame))
        {
            Drop(VirtioNetDrop.TxBadHeader);
            return;
        }

        var iov = (Iovec*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_txIov));
        iov[0] = new Iovec((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_txHeader)), VirtioNetHeader.Size);
        int count = 1;
        while (reader.Remaining > 0)
        {
            if (count == MaxSegments)
            {
                Drop(VirtioNetDrop.TxTooManySegments);
                return;
            }

            if (!reader.TryGetNextSpan(int.MaxValue, out var span))
            {
                Drop(VirtioNetDrop.TxBadBuffer);
                return;
            }

            iov[count++] = new Iovec((nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)), (nuint)span.Length);
        }

        nint n = _tap.WriteV(iov, count);
        if (n < 0)
        {
            Drop(n == -Tun.EINVAL ? VirtioNetDrop.TxTapRejected : VirtioNetDrop.TxTapError);
            return;
        }

        Interlocked.Increment(ref _txFrames);
        Interlocked.Add(ref _txBytes, frame);
    }

    private bool TransmitHeaderValid(in VirtioNetHeader header, uint frame)
    {
        var features = Context!.NegotiatedFeatures;
        if ((header.Flags & ~VirtioNetHeader.FlagNeedsChecksum) != 0)
        {
            return false;
        }

        if ((header.Flags & VirtioNetHeader.FlagNeedsChecksum) != 0
            && ((features & VirtioNetFeatures.Checksum) == 0 || (uint)header.ChecksumStart + header.ChecksumOffset + 2 > frame))
        {
            return false;
        }

        ulong needed = header.GsoType switch
        {
            VirtioNetHeader.GsoNone => 0,
            VirtioNetHeader.GsoTcpV4 => VirtioNetFeatures.HostTso4,
            VirtioNetHeader.GsoTcpV6 => VirtioNetFeatures.HostTso6,
            VirtioNetHeader.GsoUdp => VirtioNetFeatures.HostUfo,
            _ => ulong.MaxValue,
        };
        return needed == 0 || (needed != ulong.MaxValue && (features & needed) != 0 && header.GsoSize != 0);
    }

    private void Drop(VirtioNetDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);

    private void SetReadable(bool readable)
    {
        if (_watchingReadable == readable || _tapWatch is null)
        {
            return;
        }

        _tapWatch.Modify(readable ? DeviceEvents.Readable : DeviceEvents.None);
        _watchingReadable = readable;
    }

    private void LinkLost()
    {
        StopWatching();
        if ((Volatile.Read(ref _status) & StatusLinkUp) != 0)
        {
            Volatile.Write(ref _status, 0);
            Context?.NotifyConfigChanged();
        }
    }

    private void StopWatching()
    {
        _tapWatch?.Dispose();
        _tapWatch = null;
        _watchingReadable = false;
    }
}
