using System.Runtime.InteropServices;

namespace Vmm.Kvm.Interop;

/// <summary>
/// The real-time signal used to kick a vCPU thread out of KVM_RUN. CoreCLR uses SIGRTMIN itself (activation injection for
/// GC suspension); this package uses SIGRTMIN+8. The handler is two native instructions (<c>endbr64; ret</c>) in a page of
/// its own, installed once without SA_RESTART so that KVM_RUN returns EINTR; no managed code runs in signal context.
/// </summary>
internal static unsafe class KickSignal
{
    internal const int Offset = 8;
    private static readonly Lock Gate = new();
    private static int _signal;

    /// <summary>The signal number, installing the handler on first use.</summary>
    internal static int Number
    {
        get
        {
            var s = Volatile.Read(ref _signal);
            return s != 0 ? s : Install();
        }
    }

    private static int Install()
    {
        lock (Gate)
        {
            if (_signal != 0)
            {
                return _signal;
            }

            var sig = Libc.CurrentSigRtMin() + Offset;
            if (sig > Libc.CurrentSigRtMax())
            {
                throw new KvmException("no real-time signal available for vCPU kicks");
            }

            var page = Libc.Mmap(0, 4096, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
            if (page == -1)
            {
                throw new KvmException("mmap(kick handler)", Marshal.GetLastPInvokeError());
            }

            ReadOnlySpan<byte> code = [0xf3, 0x0f, 0x1e, 0xfa, 0xc3]; // endbr64; ret
            code.CopyTo(new Span<byte>((void*)page, code.Length));
            Sys.Check(Libc.Mprotect(page, 4096, Libc.PROT_READ | Libc.PROT_EXEC), "mprotect(kick handler)");

            var act = default(SigAction);
            act.Handler = page;
            act.Flags = 0; // no SA_RESTART: KVM_RUN must return EINTR.
            Sys.Check(Libc.Sigaction(sig, &act, null), "sigaction");
            Volatile.Write(ref _signal, sig);
            return sig;
        }
    }
}
