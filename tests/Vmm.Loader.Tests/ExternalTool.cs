using System.Diagnostics;

namespace Vmm.Loader.Tests;

/// <summary>Runs a host tool (iasl, cpio) that eng/setup.sh installs, or skips the test when it is missing.</summary>
internal static class ExternalTool
{
    public static void Require(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, name)))
            {
                return;
            }
        }

        Assert.Skip($"{name} is not installed: run eng/setup.sh.");
    }

    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, Stream? input, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            input.CopyTo(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
