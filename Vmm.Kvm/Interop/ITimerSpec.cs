using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>struct itimerspec (x86-64): the interval, then the initial expiry, each as seconds and nanoseconds.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ITimerSpec
{
    public long IntervalSeconds;
    public long IntervalNanoseconds;
    public long ValueSeconds;
    public long ValueNanoseconds;
}
