using Vmm.Reference.Configuration;

namespace Vmm.Reference.Machine;

/// <summary>
/// Samples one vCPU's guest RIP every 5 ms (a timer kicks it out of KVM_RUN; the vCPU thread records RIP) and writes
/// the samples when the VM stops. See <see cref="GuestRipSamples"/>.
/// </summary>
internal sealed class GuestProfiler : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);
    private readonly Timer _timer;

    public GuestProfiler(GuestProfileSettings settings, VcpuThread vcpu, VmLifecycle lifecycle)
    {
        var samples = new GuestRipSamples();
        vcpu.RipSamples = samples;
        lifecycle.OnStop(() => samples.Save(settings.OutputPath));
        _timer = new Timer(_ => vcpu.Kick(), null, Interval, Interval);
    }

    public void Dispose() => _timer.Dispose();
}
