namespace Vmm.Fuzz;

/// <summary>One fuzzing entry point: must not throw for any input (an exception is a finding).</summary>
internal interface IFuzzTarget
{
    void Run(ReadOnlySpan<byte> input);
}
