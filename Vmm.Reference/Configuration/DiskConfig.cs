namespace Vmm.Reference.Configuration;

/// <summary>One virtio-blk disk backed by a raw image file.</summary>
internal sealed record DiskConfig(string Path, bool ReadOnly)
{
    /// <summary>Parses the command-line form <c>PATH[,readonly]</c> (also <c>ro</c>).</summary>
    public static DiskConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int comma = text.LastIndexOf(',');
        if (comma < 0)
        {
            return new DiskConfig(RequirePath(text), false);
        }

        string flag = text[(comma + 1)..];
        if (flag is "readonly" or "ro")
        {
            return new DiskConfig(RequirePath(text[..comma]), true);
        }

        if (flag is "rw")
        {
            return new DiskConfig(RequirePath(text[..comma]), false);
        }

        throw new FormatException($"unknown disk option '{flag}' in '{text}' (expected PATH[,readonly])");
    }

    private static string RequirePath(string path) =>
        path.Length == 0 ? throw new FormatException("empty disk path") : path;
}
