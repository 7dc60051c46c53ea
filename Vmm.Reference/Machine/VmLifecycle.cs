namespace Vmm.Reference.Machine;

/// <summary>
/// The single stop decision of a running VM: the first reason reported (guest power-off, reset,
/// panic, fault, signal) wins; every vCPU is kicked out of KVM_RUN and the event loop is woken.
/// </summary>
internal sealed class VmLifecycle
{
    private readonly ManualResetEventSlim _stopped = new(false);
    private readonly List<Action> _stopActions = [];
    private int _decided;

    public ExitCode ExitCode { get; private set; } = ExitCode.VmmError;

    public string Reason { get; private set; } = string.Empty;

    public bool IsStopping => Volatile.Read(ref _decided) != 0;

    public WaitHandle StoppedHandle => _stopped.WaitHandle;

    /// <summary>Refines a reported outcome before it is decided (e.g. a reset right after a kernel panic is the panic's).</summary>
    public Func<ExitCode, ExitCode>? Classify { get; set; }

    /// <summary>Registers something to do once the stop is decided (kick vCPUs, wake the event loop).</summary>
    public void OnStop(Action action)
    {
        lock (_stopActions)
        {
            _stopActions.Add(action);
        }
    }

    /// <summary>Records the stop reason if none was recorded yet, then runs the stop actions. Safe from any thread.</summary>
    public void RequestStop(ExitCode exitCode, string reason)
    {
        if (Volatile.Read(ref _decided) != 0)
        {
            return;
        }

        var refined = Classify?.Invoke(exitCode) ?? exitCode;
        if (refined != exitCode)
        {
            reason = $"{reason}, after a guest kernel panic";
            exitCode = refined;
        }

        if (Interlocked.Exchange(ref _decided, 1) != 0)
        {
            return;
        }

        ExitCode = exitCode;
        Reason = reason;
        Log.Info("vm", $"stopping: {reason} (exit code {(int)exitCode})");
        Action[] actions;
        lock (_stopActions)
        {
            actions = [.. _stopActions];
        }

        foreach (var action in actions)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                Log.Warn("vm", $"stop action failed: {e.Message}");
            }
        }

        _stopped.Set();
    }

    public void WaitForStop() => _stopped.Wait();
}
