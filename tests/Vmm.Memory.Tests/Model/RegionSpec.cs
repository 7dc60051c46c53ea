namespace Vmm.Memory.Tests.Model;

/// <summary>One region of a generated layout: a gap before it and its size, in pages.</summary>
public sealed record RegionSpec(int GapPages, int SizePages, bool ReadOnly);
