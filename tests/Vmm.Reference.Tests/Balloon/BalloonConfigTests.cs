using FsCheck.Xunit;
using Vmm.Reference.Configuration;

namespace Vmm.Reference.Tests.Balloon;

/// <summary>The <c>--balloon</c> flag and the JSON config's "balloon" object.</summary>
public sealed class BalloonConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vmm-balloon-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, 0UL, false, 0, false)]
    [InlineData("", 0UL, false, 0, false)]
    [InlineData("size=64M", 64UL << 20, false, 0, false)]
    [InlineData("size=32", 32UL << 20, false, 0, false)]
    [InlineData("size=0,deflate-on-oom=on", 0UL, true, 0, false)]
    [InlineData("stats-interval=5,size=1G,free-page-reporting=on,deflate-on-oom=off", 1UL << 30, false, 5, true)]
    public void Parse_ValidForms_AllSettings(string? text, ulong size, bool deflateOnOom, int interval, bool reporting)
    {
        var config = BalloonConfig.Parse(text);

        Assert.Equal(new BalloonConfig { SizeBytes = size, DeflateOnOom = deflateOnOom, StatsIntervalSeconds = interval, FreePageReporting = reporting }, config);
        var options = config.ToOptions();
        Assert.Equal((uint)(size / 4096), options.TargetPages);
        Assert.Equal(TimeSpan.FromSeconds(interval), options.StatisticsInterval);
        Assert.Equal(deflateOnOom, options.DeflateOnOom);
        Assert.Equal(reporting, options.FreePageReporting);
    }

    [Theory]
    [InlineData("size=64Q", "--balloon size")]
    [InlineData("size=5K", "4 KiB pages")]
    [InlineData("size=", "--balloon size")]
    [InlineData("size=20000G", "16 TiB")]
    [InlineData("deflate-on-oom=yes", "on or off")]
    [InlineData("stats-interval=-1", "seconds")]
    [InlineData("stats-interval=100000", "seconds")]
    [InlineData("free-page-reporting", "on or off")]
    [InlineData("turbo=on", "unknown option 'turbo=on'")]
    [InlineData("size=1M,size=2M", "twice")]
    [InlineData("size=1M,", "unknown option ''")]
    public void Parse_BadForms_FormatExceptionNamingTheProblem(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => BalloonConfig.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public void Parse_ArbitraryText_ConfigOrFormatExceptionOnly(string text)
    {
        try
        {
            var config = BalloonConfig.Parse(text);
            Assert.True(config.SizeBytes % 4096 == 0 && config.StatsIntervalSeconds is >= 0 and <= BalloonConfig.MaxStatsIntervalSeconds);
        }
        catch (FormatException)
        {
        }
    }

    [Fact]
    public void CheckFits_BalloonLargerThanMemory_Throws()
    {
        new BalloonConfig { SizeBytes = 128 << 20 }.CheckFits(128 << 20);
        var e = Assert.Throws<FormatException>(() => new BalloonConfig { SizeBytes = 129 << 20 }.CheckFits(128 << 20));
        Assert.Contains("larger than the guest memory (128 MiB)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonBalloon_SameSettingsAsTheFlag()
    {
        var config = Load("""{ "kernel": "k", "memory": 256, "balloon": { "size": "64M", "deflateOnOom": true, "statsInterval": 2, "freePageReporting": true } }""");

        Assert.Equal(BalloonConfig.Parse("size=64M,deflate-on-oom=on,stats-interval=2,free-page-reporting=on"), config.Balloon);
        Assert.Null(Load("""{ "kernel": "k" }""").Balloon);
        Assert.Equal(32UL << 20, Load("""{ "kernel": "k", "balloon": { "size": 32 } }""").Balloon!.SizeBytes);
    }

    [Theory]
    [InlineData("""{ "kernel": "k", "balloon": { "size": "1G" } }""", "larger than the guest memory")]
    [InlineData("""{ "kernel": "k", "balloon": { "size": true } }""", "balloon")]
    [InlineData("""{ "kernel": "k", "balloon": { "statsInterval": -3 } }""", "statsInterval")]
    [InlineData("""{ "kernel": "k", "balloon": { "inflate": 1 } }""", "inflate")]
    public void Load_BadJsonBalloon_UsageError(string json, string expected)
    {
        var e = Assert.Throws<VmmException>(() => Load(json));
        Assert.Equal(ExitCode.Usage, e.ExitCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private VmConfig Load(string json)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return VmConfigFile.Load(path);
    }
}
