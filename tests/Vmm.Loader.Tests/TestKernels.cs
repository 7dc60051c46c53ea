namespace Vmm.Loader.Tests;

/// <summary>Finds the Debian kernels that eng/setup.d/10-debian-kernels.sh puts in .cache/debian.</summary>
internal static class TestKernels
{
    private static readonly Lazy<string?> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vmm.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    });

    private static readonly Dictionary<string, byte[]> Cache = [];

    public static string? RepositoryRoot => Root.Value;

    /// <summary>The kernel bytes, or skips the test with the reason they are missing.</summary>
    public static byte[] Load(string flavour)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(flavour, out var cached))
            {
                return cached;
            }

            string path = Path.Combine(RepositoryRoot ?? ".", ".cache", "debian", "vmlinuz-" + flavour);
            if (!File.Exists(path))
            {
                Assert.Skip($"Debian kernel {path} is missing: run eng/setup.d/10-debian-kernels.sh (./test.sh does).");
            }

            var bytes = File.ReadAllBytes(path);
            Cache[flavour] = bytes;
            return bytes;
        }
    }

    /// <summary>The decompressed vmlinux of a flavour (cached: decompression takes a second).</summary>
    public static byte[] Vmlinux(string flavour)
    {
        string key = flavour + ".elf";
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var elf = BzImage.Parse(Load(flavour)).DecompressKernel();
        lock (Cache)
        {
            Cache[key] = elf;
        }

        return elf;
    }
}
