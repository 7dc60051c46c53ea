using System.Diagnostics;

namespace Vmm.Fuzz;

/// <summary>
/// A bounded in-process random mutation fuzzer, for machines without libFuzzer/AFL instrumentation: starts from the
/// seed corpus, applies byte flips, insertions, deletions, splices and interesting values, runs the target for a fixed
/// time and writes any crashing input to <c>crash-&lt;target&gt;-&lt;n&gt;.bin</c>. No coverage feedback: it relies on
/// the targets' decoders mapping every byte to a meaningful choice.
/// </summary>
internal static class MutationDriver
{
    public static int Run(string name, IFuzzTarget target, string corpus, TimeSpan duration, int seed)
    {
        var seeds = Directory.Exists(corpus) ? Directory.GetFiles(corpus).Select(File.ReadAllBytes).ToList() : [];
        if (seeds.Count == 0)
        {
            seeds.Add([]);
        }

        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        long executions = 0;
        int crashes = 0;
        foreach (var s in seeds)
        {
            crashes += Execute(name, target, s, ref executions);
        }

        while (clock.Elapsed < duration && crashes < 10)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Count)], seeds[random.Next(seeds.Count)]);
            crashes += Execute(name, target, input, ref executions);
        }

        System.Console.WriteLine($"{name}: {executions} executions in {clock.Elapsed.TotalSeconds:F1} s, {crashes} crashes");
        return crashes == 0 ? 0 : 1;
    }

    private static int Execute(string name, IFuzzTarget target, byte[] input, ref long executions)
    {
        executions++;
        try
        {
            target.Run(input);
            return 0;
        }
        catch (Exception e)
        {
            string path = $"crash-{name}-{executions}.bin";
            File.WriteAllBytes(path, input);
            System.Console.Error.WriteLine($"{name}: crash ({e.GetType().Name}: {e.Message}) saved to {path}");
            return 1;
        }
    }

    private static byte[] Mutate(Random random, byte[] a, byte[] b)
    {
        var data = new List<byte>(a);
        int rounds = 1 + random.Next(8);
        for (int r = 0; r < rounds; r++)
        {
            switch (random.Next(6))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                    break;
                case 2 when data.Count > 0:
                    data.RemoveAt(random.Next(data.Count));
                    break;
                case 3 when data.Count > 0:
                    byte[] interesting = [0, 1, 0x7f, 0x80, 0xff, 0x10, 0x40];
                    data[random.Next(data.Count)] = interesting[random.Next(interesting.Length)];
                    break;
                case 4 when b.Length > 0:
                    int start = random.Next(b.Length);
                    data.InsertRange(random.Next(data.Count + 1), b.Skip(start).Take(random.Next(1, 16)));
                    break;
                default:
                    if (data.Count > 0)
                    {
                        data[random.Next(data.Count)] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return data.Count > 4096 ? data.GetRange(0, 4096).ToArray() : data.ToArray();
    }
}
