using System.Globalization;
using Vmm.Memory;

namespace Vmm.Virtio.Tests.Support;

/// <summary>Resident memory as the kernel accounts it: the whole process (VmRSS) and one region's pages (pagemap).</summary>
internal static class ResidentMemory
{
    /// <summary>The process's resident set in bytes, from /proc/self/status.</summary>
    public static long Process()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return KiloBytes(line);
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    /// <summary>
    /// The resident bytes of exactly <paramref name="region"/>'s pages: the present bit of each page in /proc/self/pagemap
    /// (smaps would count a whole VMA, which the kernel may have merged with a neighbouring anonymous mapping).
    /// </summary>
    public static long Of(MemoryRegion region)
    {
        const int page = 4096;
        var entries = new byte[checked((int)(region.Size / page * 8))];
        using var pagemap = File.OpenHandle("/proc/self/pagemap");
        for (int done = 0; done < entries.Length;)
        {
            int read = RandomAccess.Read(pagemap, entries.AsSpan(done), (region.HostAddress / page * 8) + done);
            done += read > 0 ? read : throw new IOException("short read of /proc/self/pagemap");
        }

        long present = 0;
        for (int i = 0; i < entries.Length; i += 8)
        {
            present += (long)(BitConverter.ToUInt64(entries, i) >> 63);
        }

        return present * page;
    }

    private static long KiloBytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
