using System.Reflection;

// Runs the README examples of the packages named on the command line (e.g. Vmm.Memory Vmm.Virtio), in process.
// Examples that need input files (Vmm.Loader's kernel) are only compiled.
int failures = 0;
foreach (string package in args)
{
    var examples = Assembly.GetExecutingAssembly().GetType($"ReadmeExamples.{package.Replace('.', '_')}.Examples");
    if (examples is null)
    {
        Console.Error.WriteLine($"{package}: no examples compiled (run generate.py first)");
        failures++;
        continue;
    }

    foreach (var method in examples.GetMethods(BindingFlags.Static | BindingFlags.NonPublic).Where(m => m.Name.StartsWith("Example", StringComparison.Ordinal)))
    {
        Console.WriteLine($"--- {package} README, {method.Name}");
        try
        {
            await (Task)method.Invoke(null, null)!;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{package} README {method.Name} failed: {(e as TargetInvocationException)?.InnerException ?? e}");
            failures++;
        }
    }
}

return failures == 0 ? 0 : 1;
