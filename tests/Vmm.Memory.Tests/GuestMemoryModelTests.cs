using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vmm.Memory.Tests.Model;

namespace Vmm.Memory.Tests;

public sealed class GuestMemoryModelTests
{
    /// <summary>
    /// Every access on guest memory made of random adjacent and non-adjacent regions (some read-only, some at the
    /// top of the address space) behaves as the same access on a byte array of that window: results, bytes read,
    /// bytes written, partial counts, errors and their addresses; afterwards the contents match and the dirty bits
    /// are exactly the pages written.
    /// </summary>
    [Property(Arbitrary = [typeof(ModelArbitraries)], MaxTest = 300)]
    public Property AnyAccessSequence_Always_MatchesByteArrayModel(ModelCase testCase)
    {
        using var model = new AddressSpaceModel(testCase.Layout);
        for (int i = 0; i < testCase.Ops.Length; i++)
        {
            string? error = model.Apply(testCase.Ops[i]) ?? model.Compare();
            if (error is not null)
            {
                return false.Label($"op {i} ({testCase.Ops[i]}): {error}");
            }
        }

        return true.ToProperty();
    }
}
