namespace Vmm.Kvm;

/// <summary>Direction of a port I/O exit.</summary>
public enum IoDirection : byte
{
    /// <summary>The guest reads (IN): the VMM fills <see cref="VcpuExit.IoData"/>.</summary>
    In = 0,

    /// <summary>The guest writes (OUT): <see cref="VcpuExit.IoData"/> holds the data.</summary>
    Out = 1,
}
