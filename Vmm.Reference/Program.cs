using Vmm.Reference;
using Vmm.Reference.Cli;

try
{
    return CommandLineInterface.Run(args, config => (int)VmmRunner.Run(config));
}
catch (VmmException e)
{
    Console.Error.WriteLine($"vmm: {e.Message}");
    return (int)e.ExitCode;
}
catch (Exception e)
{
    Console.Error.WriteLine($"vmm: internal error: {e.GetType().Name}: {e.Message}");
    return (int)ExitCode.VmmError;
}
