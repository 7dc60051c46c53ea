using System.Diagnostics;
using System.Text;

namespace Vmm.Reference.Tests;

/// <summary>Runs the vmm executable as a child process and captures its output and exit code.</summary>
internal static class VmmProcess
{
    /// <summary>The repository root (the folder holding Vmm.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// The vmm under test: the NativeAOT binary published by eng/setup.d/30-vmm.sh when VMM_BINARY points at it,
    /// otherwise the build output next to the tests, run with the dotnet host.
    /// </summary>
    public static (string FileName, string[] Prefix) Command
    {
        get
        {
            string? binary = Environment.GetEnvironmentVariable("VMM_BINARY");
            if (!string.IsNullOrEmpty(binary))
            {
                return (binary, []);
            }

            string dll = Path.Combine(AppContext.BaseDirectory, "vmm.dll");
            return ("dotnet", [dll]);
        }
    }

    /// <summary>Runs vmm with <paramref name="args"/>; <paramref name="launcher"/> (e.g. <c>ip netns exec NAME</c>) runs it inside something.</summary>
    public static VmmResult Run(IEnumerable<string> args, TimeSpan timeout, Action<Process>? onStarted = null, Func<string, bool>? stopWhen = null, IDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        var (fileName, prefix) = Command;
        if (launcher is { Count: > 0 })
        {
            prefix = [.. launcher.Skip(1), fileName, .. prefix];
            fileName = launcher[0];
        }

        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in prefix.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                info.Environment[k] = v;
            }
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var sw = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        using var done = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.Append(e.Data).Append('\n');
                if (stopWhen is not null && stopWhen(stdout.ToString()))
                {
                    done.Set();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Append(e.Data).Append('\n');
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        onStarted?.Invoke(process);
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit();
        }

        lock (stdout)
        {
            lock (stderr)
            {
                return new VmmResult(exited ? process.ExitCode : -1, stdout.ToString(), stderr.ToString(), !exited, sw.Elapsed);
            }
        }
    }

    /// <summary>Sends SIGTERM to <paramref name="process"/> (what a service manager does to stop vmm).</summary>
    public static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vmm.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Vmm.slnx).");
    }
}
