using System.Diagnostics;
using Vmm.Reference.Configuration;

namespace Vmm.Reference;

/// <summary>Structured log lines on standard error: <c>[  12.345] level component: message key=value …</c>.</summary>
internal static class Log
{
    private static readonly long Start = Stopwatch.GetTimestamp();
    private static readonly Lock Gate = new();

    public static LogLevel Level { get; set; } = LogLevel.Warning;

    public static TimeSpan Elapsed => Stopwatch.GetElapsedTime(Start);

    public static bool IsEnabled(LogLevel level) => level >= Level && Level != LogLevel.Off;

    public static void Write(LogLevel level, string component, string message, string? label = null)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        string line = $"[{Elapsed.TotalSeconds,10:F6}] {label ?? LevelName(level)} {component}: {message}";
        lock (Gate)
        {
            // In raw terminal mode a bare \n does not return the carriage.
            Console.Error.Write(line + "\r\n");
        }
    }

    /// <summary>Writes a line the user asked for explicitly (e.g. with --boot-timer), whatever the level unless logging is off.</summary>
    public static void Always(string component, string message)
    {
        if (Level != LogLevel.Off)
        {
            Write(LogLevel.Error, component, message, "note ");
        }
    }

    public static void Info(string component, string message) => Write(LogLevel.Info, component, message);

    public static void Warn(string component, string message) => Write(LogLevel.Warning, component, message);

    public static void Debug(string component, string message) => Write(LogLevel.Debug, component, message);

    public static void Error(string component, string message) => Write(LogLevel.Error, component, message);

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Info => "info ",
        LogLevel.Warning => "warn ",
        _ => "error",
    };
}
