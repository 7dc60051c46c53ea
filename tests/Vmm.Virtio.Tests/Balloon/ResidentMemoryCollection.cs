namespace Vmm.Virtio.Tests.Balloon;

/// <summary>Tests that measure the process's resident memory run alone, so that other tests' allocations do not blur the figure.</summary>
[CollectionDefinition(nameof(ResidentMemoryCollection), DisableParallelization = true)]
public sealed class ResidentMemoryCollection;
