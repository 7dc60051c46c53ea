using Vmm.Reference.Interop;

namespace Vmm.Reference.Host;

/// <summary>
/// Puts standard input into raw mode while the guest owns the console and restores the saved
/// settings exactly once, on every exit path (normal return, exception, signal, process exit).
/// </summary>
internal sealed class Terminal : IDisposable
{
    private readonly Termios _saved;
    private int _restored;

    private Terminal(Termios saved) => _saved = saved;

    /// <summary>Enters raw mode if standard input is a terminal; returns null otherwise.</summary>
    public static Terminal? EnterRawMode()
    {
        if (HostLibc.IsATty(0) != 1 || HostLibc.TcGetAttr(0, out var saved) != 0)
        {
            return null;
        }

        var raw = saved;
        HostLibc.CfMakeRaw(ref raw);
        raw.OutputFlags = saved.OutputFlags; // keep output post-processing (\n → \r\n) as the shell had it
        if (HostLibc.TcSetAttr(0, HostLibc.TcsaNow, in raw) != 0)
        {
            return null;
        }

        var terminal = new Terminal(saved);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => terminal.Dispose();
        return terminal;
    }

    /// <summary>Restores the saved settings (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0)
        {
            _ = HostLibc.TcSetAttr(0, HostLibc.TcsaNow, in _saved);
        }
    }
}
