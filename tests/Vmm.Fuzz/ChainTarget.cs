using Vmm.Memory;
using Vmm.Virtio;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Fuzz;

/// <summary>The chain parser: arbitrary descriptor tables must parse to exactly the reference validator's verdict.</summary>
internal sealed class ChainTarget : IFuzzTarget
{
    private readonly GuestMemory _memory = HostileChainScenario.CreateMemory();

    public void Run(ReadOnlySpan<byte> input)
    {
        var scenario = HostileChainScenario.Decode(input);
        var queue = new SplitQueue(16);
        scenario.Install(_memory, queue);
        if (!queue.TryMakeReady(_memory, out var error))
        {
            throw new InvalidOperationException($"layout refused: {error}");
        }

        var expected = scenario.Validate();
        bool popped = queue.TryPop(out var chain, out error);
        if (popped != (expected is not null) || (popped && !chain.Descriptors.SequenceEqual(expected!.ToArray())))
        {
            throw new InvalidOperationException($"parser and reference disagree: popped={popped} error={error}");
        }

        if (popped && chain.ReadableLength <= 1 << 16)
        {
            var reader = chain.CreateReader();
            Span<byte> sink = stackalloc byte[256];
            while (reader.Remaining > 0 && reader.TryRead(sink[..(int)Math.Min(256, reader.Remaining)]))
            {
            }
        }
    }
}
