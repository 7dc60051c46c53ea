namespace Vmm.Reference.Configuration;

/// <summary>How much vmm logs to standard error.</summary>
internal enum LogLevel
{
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Off,
}
