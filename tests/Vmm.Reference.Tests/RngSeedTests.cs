using Vmm.Loader;
using Vmm.Memory;
using Vmm.Reference.Machine;

namespace Vmm.Reference.Tests;

public sealed class RngSeedTests
{
    [Fact]
    public void Write_EmptyZeroPage_ChainsOneRngSeedEntry()
    {
        var memory = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, 1 << 20)]);
        try
        {
            memory.Write(BootLayout.ZeroPage.Add(0x250), 0x1234_5000UL); // an entry the loader chained before
            RngSeed.Write(memory, BootLayout.ZeroPage);

            Assert.Equal(RngSeed.Address.Value, memory.Read<ulong>(BootLayout.ZeroPage.Add(0x250)));
            Assert.Equal(0x1234_5000UL, memory.Read<ulong>(RngSeed.Address));
            Assert.Equal(9u, memory.Read<uint>(RngSeed.Address.Add(8)));
            Assert.Equal(32u, memory.Read<uint>(RngSeed.Address.Add(12)));
            var seed = new byte[32];
            memory.Read(RngSeed.Address.Add(16), seed);
            Assert.Contains(seed, b => b != 0);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void Write_TwoVms_GetDifferentSeeds()
    {
        var a = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, 1 << 20)]);
        var b = GuestMemory.Allocate([new GuestRange(GuestAddress.Zero, 1 << 20)]);
        try
        {
            RngSeed.Write(a, BootLayout.ZeroPage);
            RngSeed.Write(b, BootLayout.ZeroPage);
            var sa = new byte[32];
            var sb = new byte[32];
            a.Read(RngSeed.Address.Add(16), sa);
            b.Read(RngSeed.Address.Add(16), sb);
            Assert.NotEqual(sa, sb);
        }
        finally
        {
            a.DisposeRegions();
            b.DisposeRegions();
        }
    }
}
