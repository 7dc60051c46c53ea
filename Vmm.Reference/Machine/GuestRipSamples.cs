using System.Globalization;

namespace Vmm.Reference.Machine;

/// <summary>
/// A sampling profile of where a guest spends its time (<see cref="GuestProfiler"/>): a timer kicks one vCPU (0, or <c>VMM_PROFILE_VCPU</c>) out of
/// KVM_RUN every 5 ms and the vCPU thread records RIP. Enabled with the environment variable
/// <c>VMM_PROFILE_GUEST=FILE</c>; the file gets one hexadecimal RIP per line (resolve with <c>nm -n vmlinux</c>).
/// A diagnostic for guest boot time, not a product feature.
/// </summary>
internal sealed class GuestRipSamples
{
    private readonly ulong[] _samples = new ulong[1 << 20];
    private int _count;

    public void Record(ulong rip)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        if (index < _samples.Length)
        {
            _samples[index] = rip;
        }
    }

    public void Save(string path)
    {
        int count = Math.Min(Volatile.Read(ref _count), _samples.Length);
        using var writer = new StreamWriter(path);
        for (int i = 0; i < count; i++)
        {
            writer.WriteLine(_samples[i].ToString("x16", CultureInfo.InvariantCulture));
        }
    }
}
