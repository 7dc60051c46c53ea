namespace Vmm.Devices;

/// <summary>
/// A device function's numbered interrupt vectors, as an MSI-X table provides them: triggering a vector sends its message,
/// or records it as pending while the vector (or the whole function) is masked. Implementations must be safe to call from
/// any thread and must not block.
/// </summary>
public interface IInterruptVectors
{
    /// <summary>The number of vectors.</summary>
    int VectorCount { get; }

    /// <summary>Triggers <paramref name="vector"/>; a vector outside the table is ignored (and may be counted by the implementation).</summary>
    void Trigger(int vector);
}
