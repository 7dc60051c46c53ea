namespace Vmm.Benchmarks;

/// <summary>
/// A persistent second thread that runs one piece of work per benchmark invocation, for benchmarks of two threads
/// working at once. Starting and waiting for it does not allocate.
/// </summary>
internal sealed class SecondThread : IDisposable
{
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private readonly Func<long> _work;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _result;

    public SecondThread(string name, Func<long> work)
    {
        _work = work;
        _thread = new Thread(Loop) { Name = name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>Lets the thread run its work once.</summary>
    public void Start() => _start.Release();

    /// <summary>Waits until the work started by <see cref="Start"/> is done; returns its result.</summary>
    public long Wait()
    {
        _done.Wait();
        return _result;
    }

    public void Dispose()
    {
        _stopping = true;
        _start.Release();
        _thread.Join();
        _start.Dispose();
        _done.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping)
            {
                return;
            }

            _result = _work();
            _done.Release();
        }
    }
}
