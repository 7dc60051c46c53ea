namespace Vmm.Reference.Tests;

/// <summary>What a vmm process did.</summary>
internal sealed record VmmResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"exit {ExitCode}{(TimedOut ? " (timed out)" : string.Empty)} after {Elapsed.TotalSeconds:F1}s\n--- stderr ---\n{StandardError}\n--- stdout (tail) ---\n{Tail(StandardOutput, 6000)}";

    private static string Tail(string s, int n) => s.Length <= n ? s : s[^n..];
}
