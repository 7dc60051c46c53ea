using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vmm.Loader.Initramfs;

namespace Vmm.Loader.Tests;

public sealed class CpioArchiveWriterTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Write_AllEntryKinds_RealCpioListsAndExtractsThem()
    {
        ExternalTool.Require("cpio");
        var archive = new MemoryStream();
        using (var writer = new CpioArchiveWriter(archive, leaveOpen: true))
        {
            writer.AddDirectory("bin");
            writer.AddDirectory("dev", mode: 0x1C0); // 0700
            writer.AddFile("bin/init", "#!/bin/sh\necho hi\n"u8, mode: 0x1ED);
            writer.AddFile("empty", []);
            writer.AddSymlink("bin/sh", "busybox");
            writer.AddCharacterDevice("dev/console", 5, 1);
        }

        byte[] bytes = archive.ToArray();
        Assert.Equal(0, bytes.Length % 4);
        Assert.True(bytes.AsSpan(0, 6).SequenceEqual("070701"u8));
        Assert.EndsWith("TRAILER!!!\0", Encoding.ASCII.GetString(bytes).TrimEnd('\0') + "\0", StringComparison.Ordinal);

        string dir = Directory.CreateTempSubdirectory("cpio-").FullName;
        try
        {
            var (exit, listing) = ExternalTool.Run("cpio", dir, new MemoryStream(bytes), "-t", "-v", "--quiet");
            Assert.True(exit == 0, listing);
            string[] lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(6, lines.Length);
            Assert.Matches(@"^drwxr-xr-x .* bin$", lines[0]);
            Assert.Matches(@"^drwx------ .* dev$", lines[1]);
            Assert.Matches(@"^-rwxr-xr-x .* 18 .* bin/init$", lines[2]);
            Assert.Matches(@"^-rw-r--r-- .* 0 .* empty$", lines[3]);
            Assert.Matches(@"^lrwxrwxrwx .* bin/sh -> busybox$", lines[4]);
            Assert.Matches(@"^crw------- .* 5,\s+1 .* dev/console$", lines[5]);

            var (extractExit, extractOutput) = ExternalTool.Run("cpio", dir, new MemoryStream(bytes), "-i", "-d", "--quiet", "--no-absolute-filenames");
            Assert.True(extractExit == 0, extractOutput);
            Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(Path.Combine(dir, "bin/init")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(dir, "bin/init")));
            Assert.Empty(File.ReadAllBytes(Path.Combine(dir, "empty")));
            Assert.Equal("busybox", new FileInfo(Path.Combine(dir, "bin/sh")).LinkTarget);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Write_Layout_HeaderNameAndDataFourByteAligned()
    {
        var archive = new MemoryStream();
        using (var writer = new CpioArchiveWriter(archive, leaveOpen: true))
        {
            writer.AddFile("a", "xyz"u8);
        }

        byte[] bytes = archive.ToArray();
        string header = Encoding.ASCII.GetString(bytes, 0, 110);
        Assert.Equal("070701", header[..6]);
        Assert.Equal(0x81A4, Convert.ToInt32(header.Substring(6 + 8, 8), 16));  // S_IFREG | 0644
        Assert.Equal(3, Convert.ToInt32(header.Substring(6 + (6 * 8), 8), 16));   // filesize
        Assert.Equal(2, Convert.ToInt32(header.Substring(6 + (11 * 8), 8), 16));  // namesize "a\0"
        // 110 + 2 = 112 (aligned), data at 112..115, padded to 116, trailer header follows.
        Assert.True(bytes.AsSpan(112, 3).SequenceEqual("xyz"u8));
        Assert.Equal(0, bytes[115]);
        Assert.True(bytes.AsSpan(116, 6).SequenceEqual("070701"u8));
        Assert.Equal("TRAILER!!!", Encoding.ASCII.GetString(bytes, 116 + 110, 10));
        Assert.Equal(116 + 110 + 11 + 3, bytes.Length); // trailer name + NUL padded to 4
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("")]
    [InlineData("TRAILER!!!")]
    public void AddFile_BadPath_Throws(string path)
    {
        using var writer = new CpioArchiveWriter(new MemoryStream());
        Assert.ThrowsAny<ArgumentException>(() => writer.AddFile(path, [1]));
    }

    [Fact]
    public void AddFile_AfterFinish_Throws()
    {
        using var writer = new CpioArchiveWriter(new MemoryStream());
        writer.Finish();
        Assert.Throws<InvalidOperationException>(() => writer.AddFile("a", [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpioArchiveWriter(new MemoryStream()).AddFile("a", [], mode: 0x1000));
    }

    [Fact]
    public void Dispose_LeaveOpenFalse_ClosesStreamAfterTrailer()
    {
        var stream = new MemoryStream();
        new CpioArchiveWriter(stream).Dispose();
        Assert.False(stream.CanWrite);
        Assert.Equal(124, stream.ToArray().Length);
    }

    public static Arbitrary<(string Name, byte[] Content)[]> Files() =>
        Gen.Choose(1, 8).SelectMany(n =>
            Gen.ArrayOf(
                from name in Gen.Choose(1, 40).SelectMany(len => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+ äé".ToCharArray()), len)).Select(c => new string(c))
                from content in Gen.Choose(0, 3000).SelectMany(len => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), len))
                select (name, content), n))
            .Where(files => files.All(f => f.name is not "." and not ".." && f.name.Trim() == f.name) && files.Select(f => f.name).Distinct().Count() == files.Length)
            .ToArbitrary();

    [Property(MaxTest = 25, Arbitrary = [typeof(CpioArchiveWriterTests)])]
    public void Write_RandomFiles_RoundTripThroughCpio((string Name, byte[] Content)[] files)
    {
        ExternalTool.Require("cpio");
        var archive = new MemoryStream();
        using (var writer = new CpioArchiveWriter(archive, leaveOpen: true))
        {
            writer.AddDirectory("d");
            foreach (var (name, content) in files)
            {
                writer.AddFile("d/" + name, content);
            }
        }

        Assert.Equal(0, archive.Length % 4);
        string dir = Directory.CreateTempSubdirectory("cpio-prop-").FullName;
        try
        {
            archive.Position = 0;
            var (exit, output) = ExternalTool.Run("cpio", dir, archive, "-i", "-d", "--quiet", "--no-absolute-filenames");
            Assert.True(exit == 0, output);
            Assert.Equal(files.Length, Directory.GetFiles(Path.Combine(dir, "d")).Length);
            foreach (var (name, content) in files)
            {
                Assert.Equal(content, File.ReadAllBytes(Path.Combine(dir, "d", name)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
