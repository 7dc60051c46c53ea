using System.Buffers;
using System.IO.Pipelines;
using Vmm.Memory;
using Vmm.Virtio.Console;
using Vmm.Virtio.Entropy;
using Vmm.Virtio.Testing;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

public sealed class VirtioRngAndConsoleTests : IDisposable
{
    private readonly GuestMemory _memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);

    public void Dispose() => _memory.DisposeRegions();

    [Fact]
    public void Rng_WritableBuffers_FilledAndLengthReported()
    {
        var transport = new VirtioMmioTransport(new VirtioRng(maxBytesPerRequest: 100), _memory, new RecordingInterruptLine());
        var (driver, queue) = BringUp(transport, 1);
        var a = queue.AllocateBuffer(64);
        var b = queue.AllocateBuffer(64);
        queue.AddChain(new(a, 64, true), new(b, 64, true));
        driver.Notify(0);
        Assert.True(queue.TryTakeUsed(out var used));
        Assert.Equal(100u, used.Length);
        Assert.Contains(_memory.Read(a, 64), x => x != 0);
        Assert.All(_memory.Read(b.Add(36), 28), x => Assert.Equal(0, x));
    }

    [Fact]
    public async Task Console_GuestOutput_ReachesPipe()
    {
        var output = new Pipe();
        var console = new VirtioConsole(output.Writer, null);
        var transport = new VirtioMmioTransport(console, _memory, new RecordingInterruptLine());
        var (driver, queues) = BringUpConsole(transport);
        var text = queues[1].AllocateBuffer(5);
        _memory.Write(text, "hello"u8);
        queues[1].AddChain(new SimulatedBuffer(text, 5, false));
        driver.Notify(1);

        var result = await output.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal("hello"u8.ToArray(), result.Buffer.ToArray());
        Assert.True(queues[1].TryTakeUsed(out _));
    }

    [Fact]
    public void Console_OutputPipeFull_DropsInsteadOfBlocking()
    {
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 8, resumeWriterThreshold: 4));
        var console = new VirtioConsole(output.Writer, null);
        var transport = new VirtioMmioTransport(console, _memory, new RecordingInterruptLine());
        var (driver, queues) = BringUpConsole(transport);
        var text = queues[1].AllocateBuffer(16, 0x41);
        for (int i = 0; i < 3; i++)
        {
            queues[1].AddChain(new SimulatedBuffer(text, 16, false));
        }

        driver.Notify(1);
        Assert.Equal(32, console.DroppedOutputBytes);
        Assert.Equal(3, Enumerable.Range(0, 3).Count(_ => queues[1].TryTakeUsed(out UsedElement _)));
    }

    [Fact]
    public async Task Console_HostInput_FillsReceiveBuffersAsPosted()
    {
        var output = new Pipe();
        var input = new Pipe();
        var console = new VirtioConsole(output.Writer, input.Reader);
        var transport = new VirtioMmioTransport(console, _memory, new RecordingInterruptLine());
        var (driver, queues) = BringUpConsole(transport);
        var pump = console.RunInputAsync(TestContext.Current.CancellationToken);
        await input.Writer.WriteAsync("abcdef"u8.ToArray(), TestContext.Current.CancellationToken);

        var first = queues[0].AllocateBuffer(4);
        queues[0].AddChain(new SimulatedBuffer(first, 4, true));
        driver.Notify(0);
        var second = queues[0].AllocateBuffer(4);
        queues[0].AddChain(new SimulatedBuffer(second, 4, true));
        driver.Notify(0);
        await input.Writer.CompleteAsync();
        await pump.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(queues[0].TryTakeUsed(out var u1));
        Assert.True(queues[0].TryTakeUsed(out var u2));
        Assert.Equal(4u, u1.Length);
        Assert.Equal(2u, u2.Length);
        Assert.Equal("abcd"u8.ToArray(), _memory.Read(first, 4));
        Assert.Equal("ef"u8.ToArray(), _memory.Read(second, 2));
    }

    [Fact]
    public void Console_Resize_ConfigAndInterrupt()
    {
        var console = new VirtioConsole(new Pipe().Writer, null);
        var transport = new VirtioMmioTransport(console, _memory, new RecordingInterruptLine());
        var (driver, _) = BringUpConsole(transport);
        console.Resize(132, 43);
        Assert.Equal(132u | (43u << 16), driver.Read(VirtioMmioRegister.Config));
        Assert.Equal(VirtioInterrupt.ConfigChange, driver.AcknowledgeInterrupts());
    }

    private (SimulatedMmioDriver Driver, SimulatedDriverQueue Queue) BringUp(VirtioMmioTransport transport, int queues)
    {
        var driver = new SimulatedMmioDriver(transport);
        Assert.True(driver.Negotiate(ulong.MaxValue, out _));
        var queue = new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 16);
        Assert.True(driver.SetUpQueue(0, queue));
        driver.DriverOk();
        return (driver, queue);
    }

    private (SimulatedMmioDriver Driver, SimulatedDriverQueue[] Queues) BringUpConsole(VirtioMmioTransport transport)
    {
        var driver = new SimulatedMmioDriver(transport);
        Assert.True(driver.Negotiate(ulong.MaxValue, out _));
        var queues = new[] { new SimulatedDriverQueue(_memory, new GuestAddress(0x10000), 16), new SimulatedDriverQueue(_memory, new GuestAddress(0x20000), 16) };
        Assert.True(driver.SetUpQueue(0, queues[0]));
        Assert.True(driver.SetUpQueue(1, queues[1]));
        driver.DriverOk();
        return (driver, queues);
    }
}
