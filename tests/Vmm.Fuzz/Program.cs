using Vmm.Fuzz;

// Usage:
//   Vmm.Fuzz <chain|blk> [--seconds N] [--corpus DIR] [--seed N]   bounded in-process mutation fuzzing (CI)
//   Vmm.Fuzz <chain|blk> --libfuzzer                               under libfuzzer-dotnet with SharpFuzz-instrumented assemblies
if (args.Length == 0 || args[0] is not ("chain" or "blk"))
{
    Console.Error.WriteLine("usage: Vmm.Fuzz <chain|blk> [--seconds N] [--corpus DIR] [--seed N] | --libfuzzer");
    return 2;
}

string name = args[0];
IFuzzTarget target = name == "chain" ? new ChainTarget() : new BlockTarget();
if (args.Contains("--libfuzzer"))
{
    SharpFuzz.Fuzzer.LibFuzzer.Run(span => target.Run(span));
    return 0;
}

string Option(string key, string fallback)
{
    int i = Array.IndexOf(args, key);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int seconds = int.Parse(Option("--seconds", "30"), System.Globalization.CultureInfo.InvariantCulture);
int seed = int.Parse(Option("--seed", "1"), System.Globalization.CultureInfo.InvariantCulture);
string corpus = Option("--corpus", Path.Combine(AppContext.BaseDirectory, "corpus", name));
return MutationDriver.Run(name, target, corpus, TimeSpan.FromSeconds(seconds), seed);
