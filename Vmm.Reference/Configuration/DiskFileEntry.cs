namespace Vmm.Reference.Configuration;

/// <summary>One disk in the JSON config.</summary>
internal sealed class DiskFileEntry
{
    public string? Path { get; set; }

    public bool ReadOnly { get; set; }
}
