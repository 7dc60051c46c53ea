using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vmm.Kvm.Interop;
using Vmm.Kvm.Tests.Support;

namespace Vmm.Kvm.Tests;

public sealed class LayoutTests
{
    private static readonly Lazy<Dictionary<string, long>> CAnswers = new(Compile);

    public static TheoryData<string> LayoutKeys() => [.. LayoutTable.Build().Select(e => e.Key)];

    public static TheoryData<string> IoctlNames() => [.. KvmIoctls.All.Keys];

    [Theory]
    [MemberData(nameof(LayoutKeys))]
    public void StructLayout_ComparedWithGcc_Matches(string key)
    {
        var answers = RequireGcc();
        var entry = LayoutTable.Build().Single(e => e.Key == key);
        Assert.True(answers.ContainsKey(key), $"C program produced no value for {key}");
        Assert.Equal(answers[key], entry.Value);
    }

    [Theory]
    [MemberData(nameof(IoctlNames))]
    public void IoctlNumber_ComparedWithGcc_Matches(string name)
    {
        var answers = RequireGcc();
        Assert.Equal(answers["ioctl:" + name], (long)KvmIoctls.All[name]);
    }

    private static Dictionary<string, long> RequireGcc()
    {
        if (!File.Exists("/usr/include/linux/kvm.h"))
        {
            Assert.Skip("linux/kvm.h is not installed (linux-libc-dev); layout tests compare against it.");
        }

        var answers = CAnswers.Value;
        if (answers.Count == 0)
        {
            Assert.Skip("gcc is not available; layout tests compile a C program against linux/kvm.h.");
        }

        return answers;
    }

    private static Dictionary<string, long> Compile()
    {
        var dir = Directory.CreateTempSubdirectory("vmm-kvm-layout-");
        try
        {
            var src = new StringBuilder();
            src.AppendLine("#define _GNU_SOURCE");
            src.AppendLine("#include <stdio.h>");
            src.AppendLine("#include <stddef.h>");
            src.AppendLine("#include <signal.h>");
            src.AppendLine("#include <sys/epoll.h>");
            src.AppendLine("#include <sys/timerfd.h>");
            src.AppendLine("#include <linux/kvm.h>");
            src.AppendLine("int main(void) {");
            foreach (var (key, expr, _) in LayoutTable.Build())
            {
                src.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"{key} %ld\\n\", (long)({expr}));");
            }

            foreach (var name in KvmIoctls.All.Keys)
            {
                src.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"ioctl:{name} %ld\\n\", (long)(unsigned long)({name}));");
            }

            src.AppendLine("  return 0; }");
            var c = Path.Combine(dir.FullName, "layout.c");
            var exe = Path.Combine(dir.FullName, "layout");
            File.WriteAllText(c, src.ToString());
            if (!Execute("gcc", $"-O0 -o {exe} {c}", out _))
            {
                return [];
            }

            if (!Execute(exe, string.Empty, out var output))
            {
                throw new InvalidOperationException("layout program failed");
            }

            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' '))
                .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool Execute(string file, string args, out string stdout)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} failed: {stderr}");
            }

            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            stdout = string.Empty;
            return false;
        }
    }
}
