using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

public sealed class HostileChainScenarioTests
{
    [Fact]
    public void Decode_RandomInputs_CoverValidInvalidAndIndirectChains()
    {
        var random = new Random(1234);
        int valid = 0, invalid = 0, indirectValid = 0;
        for (int i = 0; i < 3000; i++)
        {
            var input = new byte[random.Next(0, 120)];
            random.NextBytes(input);
            var scenario = HostileChainScenario.Decode(input);
            var chain = scenario.Validate();
            if (chain is null)
            {
                invalid++;
            }
            else
            {
                valid++;
                if (scenario.Table[scenario.Head].IsIndirect)
                {
                    indirectValid++;
                }
            }
        }

        Assert.InRange(valid, 300, 2700);
        Assert.InRange(invalid, 300, 2700);
        Assert.True(indirectValid > 10, $"only {indirectValid} valid indirect chains");
    }
}
