using System.CommandLine;
using System.CommandLine.Parsing;
using Vmm.Reference.Configuration;

namespace Vmm.Reference.Cli;

/// <summary>The <c>vmm</c> command line: <c>vmm run …</c>, <c>--help</c>, <c>--version</c>.</summary>
internal static class CommandLineInterface
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Run(string[] args, Func<VmConfig, int> runVm)
    {
        var kernel = new Option<string>("--kernel") { Description = "Kernel image: ELF vmlinux (also PVH) or bzImage", HelpName = "PATH" };
        var initrd = new Option<string>("--initrd") { Description = "Initial ramdisk (cpio archive)", HelpName = "PATH" };
        var cmdline = new Option<string>("--cmdline") { Description = $"Kernel command line (default: \"{VmConfig.DefaultCommandLine}\")", HelpName = "STR" };
        var memory = new Option<string>("--memory") { Description = "Guest memory: MiB, or with a unit K/M/G (default 128M)", HelpName = "SIZE" };
        var cpus = new Option<int?>("--cpus") { Description = "Number of vCPUs (default 1)", HelpName = "N" };
        var disks = new Option<string[]>("--disk") { Description = "A virtio-blk disk backed by a raw image; repeatable", HelpName = "PATH[,readonly]", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var nets = new Option<string[]>("--net") { Description = "A virtio-net device on an existing tap, optionally rate-limited (per second); repeatable", HelpName = "tap=NAME[,mac=MAC][,rx-rate=BYTES][,tx-rate=BYTES][,rx-ops=N][,tx-ops=N]", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var console = new Option<string>("--console") { Description = "Guest console: serial (COM1), virtio (hvc0) or none (default serial)", HelpName = "serial|virtio|none" };
        var bootTimer = new Option<bool>("--boot-timer") { Description = "Report boot-progress writes (debug port 0x80, boot-timer byte) with their time since start" };
        var logLevel = new Option<string>("--log-level") { Description = "trace, debug, info, warning, error or off (default warning)", HelpName = "LEVEL" };
        var config = new Option<string>("--config") { Description = "Read the settings from a JSON file instead", HelpName = "FILE.json" };
        var guestDecompression = new Option<bool>("--guest-decompression") { Description = "Let a bzImage decompress itself in the guest instead of on the host" };
        var noRng = new Option<bool>("--no-rng") { Description = "Do not add a virtio-rng device" };
        var vsock = new Option<string>("--vsock") { Description = "A virtio-vsock device: the guest's CID, and the host Unix socket that host clients connect to ('CONNECT <port>') and whose PATH_<port> the guest's connections reach", HelpName = "cid=N,uds=PATH" };
        var balloon = new Option<string>("--balloon") { Description = "A virtio-balloon device asking the guest to give back SIZE of its memory (default 0)", HelpName = "[size=SIZE][,deflate-on-oom=on|off][,stats-interval=SECONDS][,free-page-reporting=on|off]", Arity = ArgumentArity.ZeroOrOne };

        var run = new Command("run", "Boot a micro-VM")
        {
            kernel, initrd, cmdline, memory, cpus, disks, nets, console, bootTimer, logLevel, config, guestDecompression, noRng,
        };

        run.Options.Add(vsock);
        run.Options.Add(balloon);

        int exitCode = 0;
        VmmException? failure = null;
        run.SetAction(parse =>
        {
            try
            {
                exitCode = runVm(ToConfig(parse));
            }
            catch (VmmException e)
            {
                // System.CommandLine would print a stack trace; vmm prints one line and exits with the failure's code.
                failure = e;
            }

            return exitCode;
        });

        var root = new RootCommand("vmm: a micro-VM monitor for Linux guests on KVM, built from the Vmm.NET packages") { run };
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new VmmException(ExitCode.Usage, result.Errors[0].Message + " (see 'vmm run --help')");
        }

        int invoked = result.Invoke();
        if (failure is not null)
        {
            throw failure;
        }

        return result.CommandResult.Command == run ? exitCode : invoked;

        VmConfig ToConfig(ParseResult parse)
        {
            string? configPath = parse.GetValue(config);
            if (configPath is not null)
            {
                if (parse.CommandResult.Children.OfType<OptionResult>().Any(o => o.Option != config && !o.Implicit))
                {
                    throw new VmmException(ExitCode.Usage, "--config cannot be combined with other settings");
                }

                return VmConfigFile.Load(configPath);
            }

            string kernelPath = parse.GetValue(kernel) ?? throw new VmmException(ExitCode.Usage, "--kernel is required (see 'vmm run --help')");
            try
            {
                var cfg = new VmConfig
                {
                    KernelPath = kernelPath,
                    InitrdPath = parse.GetValue(initrd),
                    CommandLine = parse.GetValue(cmdline),
                    Disks = (parse.GetValue(disks) ?? []).Select(DiskConfig.Parse).ToList(),
                    Nets = (parse.GetValue(nets) ?? []).Select(NetConfig.Parse).ToList(),
                    BootTimer = parse.GetValue(bootTimer),
                    GuestDecompression = parse.GetValue(guestDecompression),
                    Rng = !parse.GetValue(noRng),
                };
                if (parse.GetValue(memory) is { } mem)
                {
                    cfg = cfg with { MemoryBytes = MemorySize.ParseBytes(mem) };
                }

                if (parse.GetValue(cpus) is { } n)
                {
                    cfg = cfg with { VcpuCount = n };
                }

                if (parse.GetValue(vsock) is { } v)
                {
                    cfg = cfg with { Vsock = VsockConfig.Parse(v) };
                }

                if (parse.GetValue(console) is { } c)
                {
                    cfg = cfg with { Console = ParseEnum<ConsoleMode>(c, "--console") };
                }

                if (parse.GetResult(balloon) is not null)
                {
                    cfg = cfg with { Balloon = BalloonConfig.Parse(parse.GetValue(balloon)) };
                }

                if (parse.GetValue(logLevel) is { } l)
                {
                    cfg = cfg with { LogLevel = ParseEnum<LogLevel>(l, "--log-level") };
                }

                cfg.Balloon?.CheckFits(cfg.MemoryBytes);
                return cfg;
            }
            catch (FormatException e)
            {
                throw new VmmException(ExitCode.Usage, e.Message, e);
            }
        }
    }

    private static T ParseEnum<T>(string text, string name)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : throw new FormatException($"{name} must be one of {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}, not '{text}'");
}
