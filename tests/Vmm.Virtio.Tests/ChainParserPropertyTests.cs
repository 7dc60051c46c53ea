using FsCheck;
using FsCheck.Xunit;
using Vmm.Memory;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

public sealed class ChainParserPropertyTests
{
    [Property(MaxTest = 1000)]
    public void TryPop_HostileTables_ErrorExactlyWhenReferenceValidatorRejects(byte[] input)
    {
        var scenario = HostileChainScenario.Decode(input);
        var memory = HostileChainScenario.CreateMemory(trackDirty: true);
        try
        {
            var queue = new SplitQueue(16);
            scenario.Install(memory, queue);
            Assert.True(queue.TryMakeReady(memory, out _));
            foreach (var region in memory.Regions)
            {
                region.DirtyPages!.Reset();
            }

            var expected = scenario.Validate();
            bool popped = queue.TryPop(out var chain, out var error);

            Assert.Equal(expected is not null, popped);
            Assert.Equal(popped, error == QueueError.None);
            if (!popped)
            {
                Assert.True(error.IsChainError(), $"unexpected {error}");
                Assert.Equal(1, queue.Errors.Get(error));
                Assert.Equal(scenario.Head < scenario.Size, chain.HasUsableHead);
            }
            else
            {
                Assert.Equal(expected, chain.Descriptors.ToArray());
                Assert.True(chain.DescriptorCount <= scenario.Size + SplitQueue.MaxIndirectDescriptors);
                Assert.Equal(expected!.Count(d => !d.IsWriteOnly), chain.ReadableCount);
                ConsumeAndCheckAccesses(memory, chain);
            }

            // The parser wrote nothing; the only dirty pages are those of the writable buffers the consumer filled.
            var writablePages = popped
                ? chain.Descriptors.ToArray().Where(d => d.IsWriteOnly && d.Length > 0)
                    .SelectMany(d => Enumerable.Range(0, (int)Math.Min(1 << 12, ((d.Address.Value % 4096) + d.Length + 4095) / 4096)).Select(p => (d.Address.Value / 4096) + (ulong)p))
                    .ToHashSet()
                : [];
            foreach (var region in memory.Regions)
            {
                for (long page = 0; page < region.DirtyPages!.PageCount; page++)
                {
                    if (region.DirtyPages.IsDirty(page))
                    {
                        Assert.Contains((region.GuestBase.Value / 4096) + (ulong)page, writablePages);
                    }
                }
            }

            Assert.False(queue.TryPop(out _, out var none));
            Assert.Equal(QueueError.None, none);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Property(MaxTest = 300)]
    public void TryPop_AvailIndexBeyondSize_IsFatalAndSticky(ushort availIdx, byte nextAvailSeed)
    {
        var memory = HostileChainScenario.CreateMemory();
        try
        {
            var queue = new SplitQueue(16);
            var driver = new Testing.SimulatedDriverQueue(memory, new GuestAddress(0), 16);
            driver.Configure(queue);
            Assert.True(queue.TryMakeReady(memory, out _));
            var state = queue.CaptureState() with { NextAvail = (ushort)(availIdx - nextAvailSeed) };
            Assert.Equal(QueueError.None, queue.RestoreState(state, memory));
            driver.AvailIndex = availIdx;

            bool popped = queue.TryPop(out _, out var error);
            if (nextAvailSeed > 16)
            {
                Assert.False(popped);
                Assert.Equal(QueueError.AvailIndexOutOfRange, error);
                Assert.False(queue.TryPop(out _, out var again));
                Assert.Equal(QueueError.AvailIndexOutOfRange, again);
                Assert.Equal(QueueError.AvailIndexOutOfRange, queue.FatalError);
            }
            else
            {
                Assert.NotEqual(QueueError.AvailIndexOutOfRange, error);
                Assert.Equal(nextAvailSeed == 0 ? QueueError.None : error, error);
            }
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    private static void ConsumeAndCheckAccesses(GuestMemory memory, DescriptorChain chain)
    {
        var descriptors = chain.Descriptors.ToArray();
        if (chain.ReadableLength + (ulong)chain.WritableLength > 1 << 20)
        {
            return;
        }

        bool readableBacked = descriptors.Where(d => !d.IsWriteOnly && d.Length > 0).All(d => HostileChainScenario.IsBacked(d.Address, d.Length));
        var reader = chain.CreateReader();
        var bytes = new byte[chain.ReadableLength];
        Assert.Equal(readableBacked, reader.TryRead(bytes));
        Assert.Equal(!readableBacked, reader.Faulted);
        if (readableBacked)
        {
            var expected = descriptors.Where(d => !d.IsWriteOnly).SelectMany(d => memory.Read(d.Address, d.Length)).ToArray();
            Assert.Equal(expected, bytes);
        }

        bool writableBacked = descriptors.Where(d => d.IsWriteOnly && d.Length > 0).All(d => HostileChainScenario.IsBacked(d.Address, d.Length));
        var writer = chain.CreateWriter();
        var payload = Enumerable.Repeat((byte)0xc3, (int)chain.WritableLength).ToArray();
        Assert.Equal(writableBacked, writer.TryWrite(payload));
        if (writableBacked)
        {
            Assert.Equal(chain.WritableLength, writer.BytesWritten);
        }
    }
}
