using System.Diagnostics;
using Vmm.Kvm.Tests.Support;

namespace Vmm.Kvm.Tests;

[Trait("Category", "Kvm")]
public sealed class KickTests
{
    [Fact]
    public void Kick_FromAnotherThread_EndsRunPromptly()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupLongMode(Asm.Assemble(64, TestVm.CodeAddress, a =>
        {
            var spin = a.CreateLabel();
            a.Label(ref spin);
            a.pause();
            a.jmp(spin);
        }));

        using var started = new ManualResetEventSlim();
        var reason = VcpuExitReason.Unknown;
        var elapsed = TimeSpan.Zero;
        var watch = new Stopwatch();
        var thread = new Thread(() =>
        {
            started.Set();
            reason = t.Vcpu.Run().Reason;
            elapsed = watch.Elapsed;
        });
        thread.Start();
        started.Wait(TestContext.Current.CancellationToken);
        Thread.Sleep(100); // let it enter the guest
        watch.Start();
        t.Vcpu.Kick();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)), "Run() did not return after Kick()");
        Assert.Equal(VcpuExitReason.Interrupted, reason);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(200), $"kick took {elapsed.TotalMilliseconds} ms");
        Assert.False(t.Vcpu.ImmediateExit);
    }

    [Fact]
    public void Kick_BeforeRun_NextRunReturnsInterruptedOnce()
    {
        KvmRequirement.Require();
        using var t = new TestVm();
        t.SetupRealMode(Asm.Assemble(16, 0x7c00, a => a.hlt()));
        t.Vcpu.Kick();
        Assert.Equal(VcpuExitReason.Interrupted, t.Vcpu.Run().Reason);
        Assert.Equal(VcpuExitReason.Hlt, t.Vcpu.Run().Reason);
    }
}
