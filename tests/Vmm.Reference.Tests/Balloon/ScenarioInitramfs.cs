using System.Text;
using Vmm.Loader.Initramfs;

namespace Vmm.Reference.Tests.Balloon;

/// <summary>
/// The test initramfs with extra <c>/vmmtest.d/&lt;name&gt;.sh</c> scenarios appended as a second cpio archive (the
/// kernel unpacks concatenated archives in order), so a test can carry its in-guest steps without rebuilding the image.
/// </summary>
internal static class ScenarioInitramfs
{
    /// <summary>Writes the test initramfs plus <paramref name="scenarios"/> (name → shell script) into <paramref name="directory"/>; returns its path.</summary>
    public static string Write(string directory, IReadOnlyDictionary<string, string> scenarios)
    {
        string path = Path.Combine(directory, "initramfs-scenarios.cpio");
        using var output = File.Create(path);
        using (var input = File.OpenRead(GuestArtifacts.TestInitramfs))
        {
            input.CopyTo(output);
        }

        // newc entries are 4-byte aligned; cpio(1) pads its archives to 512 bytes, but do not rely on it.
        while (output.Position % 4 != 0)
        {
            output.WriteByte(0);
        }

        using var writer = new CpioArchiveWriter(output, leaveOpen: true);
        writer.AddDirectory("vmmtest.d");
        foreach (var (name, script) in scenarios)
        {
            writer.AddFile($"vmmtest.d/{name}.sh", Encoding.UTF8.GetBytes(script.ReplaceLineEndings("\n")), mode: 0x1ED);
        }

        writer.Finish();
        return path;
    }
}
