using Vmm.Devices;
using Vmm.Kvm;
using Vmm.Memory;
using Vmm.Reference.Machine;
using Vmm.Virtio;
using Vmm.Virtio.Testing;

namespace Vmm.Reference.Tests;

/// <summary>A virtio device woken by a host descriptor through <see cref="IDeviceEventLoop"/>, as virtio-net is by its tap.</summary>
public sealed class DeviceEventLoopTests : IDisposable
{
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
    private readonly EventLoop _loop = new();

    public void Dispose()
    {
        _loop.Dispose();
        _memory.DisposeRegions();
    }

    [Fact]
    public void Watch_HostEventFdBecomesReadable_DeviceFillsGuestBufferOnTheLoopThread()
    {
        using var hostFd = new EventFd();
        var device = new HostCounterDevice(new DeviceEventLoop(_loop), hostFd);
        var transport = new VirtioMmioTransport(device, _memory, new CountingLine());
        var driver = new SimulatedMmioDriver(transport);
        var queue = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 16);
        Assert.True(driver.Negotiate(ulong.MaxValue, out _));
        Assert.True(driver.SetUpQueue(0, queue));
        Assert.Equal((DeviceStatus)0xf, driver.DriverOk());
        var buffer = queue.AllocateBuffer(8);
        queue.AddChain(new SimulatedBuffer(buffer, 8, true));

        hostFd.Write(41);
        hostFd.Write(1);
        Assert.Equal(1, _loop.RunOnce(5000));

        Assert.True(queue.TryTakeUsed(out UsedElement used));
        Assert.Equal(8u, used.Length);
        Assert.Equal(42UL, _memory.Read<ulong>(buffer));
        Assert.Equal(Environment.CurrentManagedThreadId, device.CallbackThread);
    }

    [Fact]
    public void Watch_AfterDeviceReset_RegistrationRemovedAndNotCalled()
    {
        using var hostFd = new EventFd();
        var device = new HostCounterDevice(new DeviceEventLoop(_loop), hostFd);
        var transport = new VirtioMmioTransport(device, _memory, new CountingLine());
        var driver = new SimulatedMmioDriver(transport);
        var queue = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 16);
        Assert.True(driver.Negotiate(ulong.MaxValue, out _));
        Assert.True(driver.SetUpQueue(0, queue));
        driver.DriverOk();
        Assert.Equal(1, _loop.Count);

        driver.Write(VirtioMmioRegister.Status, 0);
        hostFd.Write(5);

        Assert.Equal(0, _loop.Count);
        Assert.Equal(0, _loop.RunOnce(50));
    }

    [Fact]
    public void CreateTimer_Armed_CallsBackOnTheLoopThreadUntilDisposed()
    {
        var events = new DeviceEventLoop(_loop);
        int calls = 0;
        var timer = events.CreateTimer(() => calls++);
        timer.Arm(TimeSpan.FromMilliseconds(5), TimeSpan.Zero);
        Assert.Equal(1, _loop.RunOnce(5000));
        Assert.Equal(1, calls);
        timer.Arm(TimeSpan.FromMilliseconds(5), TimeSpan.Zero);
        timer.Disarm();
        Assert.Equal(0, _loop.RunOnce(30));
        timer.Dispose();
        Assert.Equal(0, _loop.Count);
    }

    /// <summary>Registers a host eventfd on activation; each time it is readable, writes its counter into the next receive buffer.</summary>
    private sealed class HostCounterDevice(IDeviceEventLoop events, EventFd source) : VirtioDevice
    {
        private IDeviceEventRegistration? _registration;

        public int CallbackThread { get; private set; }

        public override VirtioDeviceType DeviceType => VirtioDeviceType.Entropy;

        public override int QueueCount => 1;

        public override int ConfigSize => 0;

        protected override ulong DeviceFeatures => 0;

        protected override void ProcessQueue(int queueIndex)
        {
        }

        protected override bool OnActivate(VirtioDeviceContext context)
        {
            _registration = events.Watch(source.Handle, DeviceEvents.Readable, OnReadable);
            return true;
        }

        protected override void OnReset()
        {
            _registration?.Dispose();
            _registration = null;
        }

        private void OnReadable(DeviceEvents ready)
        {
            CallbackThread = Environment.CurrentManagedThreadId;
            lock (QueueLock)
            {
                if (Context is not { } context || !source.TryRead(out ulong value))
                {
                    return;
                }

                var queue = context.Queues[0];
                if (queue.TryPop(out var chain, out _))
                {
                    var writer = chain.CreateWriter();
                    _ = writer.TryWrite(value);
                    _ = queue.AddUsed(chain.HeadIndex, writer.BytesWritten);
                    context.SignalUsedQueue(0);
                }
            }
        }
    }

    private sealed class CountingLine : IInterruptLine
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
