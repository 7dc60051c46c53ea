using Vmm.Memory;

namespace Vmm.Loader.Tests;

public sealed class X86BootStateTests
{
    [Fact]
    public void CreateLongMode_PageTables_IdentityMapFirst4GiB()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var state = X86BootState.CreateLongMode(memory, new GuestAddress(0x1000000), BootLayout.ZeroPage);

            Assert.Equal(X86BootMode.LongMode, state.Mode);
            Assert.Equal(0x1000000UL, state.Rip);
            Assert.Equal(BootLayout.ZeroPage.Value, state.Rsi);
            Assert.NotEqual(0UL, state.Cr0 & X86BootState.Cr0Paging);
            Assert.NotEqual(0UL, state.Efer & X86BootState.EferLongModeActive);
            foreach (ulong va in new ulong[] { 0, 0x1000000, 0x3fffffff, 0x40000000, 0xfee00000, 0xffffffff })
            {
                Assert.Equal(va, Walk(memory, state.Cr3, va));
            }

            Assert.True(state.Cs.Long);
            Assert.False(state.Cs.DefaultSize);
            Assert.Equal(X86BootState.CodeSelector, state.Cs.Selector);
            Assert.Equal(0xffffffffu, state.Data.Limit);
            Assert.Equal(11, state.Tr.Type);
            Assert.Equal(X86BootState.GdtCode64, memory.Read<ulong>(new GuestAddress(state.Gdt.Base + 8)));
            Assert.Equal(31, state.Gdt.Limit);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void CreatePvh_ProtectedModeNoPaging_EbxStartInfo()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 1 << 20)]);
        try
        {
            var state = X86BootState.CreatePvh(memory, new GuestAddress(0x1000850), BootLayout.PvhStartInfo);
            Assert.Equal(X86BootMode.ProtectedMode, state.Mode);
            Assert.Equal(0UL, state.Cr0 & X86BootState.Cr0Paging);
            Assert.Equal(0UL, state.Efer);
            Assert.Equal(BootLayout.PvhStartInfo.Value, state.Rbx);
            Assert.True(state.Cs.DefaultSize);
            Assert.False(state.Cs.Long);
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    [Fact]
    public void CreateLongMode_TinyMemory_BootConfigurationException()
    {
        var memory = GuestMemory.Allocate([new GuestRange(new GuestAddress(0), 0x8000)]);
        try
        {
            Assert.Throws<BootConfigurationException>(() => X86BootState.CreateLongMode(memory, new GuestAddress(0x100000), BootLayout.ZeroPage));
        }
        finally
        {
            memory.DisposeRegions();
        }
    }

    private static ulong Walk(GuestMemory memory, ulong cr3, ulong va)
    {
        ulong pml4e = memory.Read<ulong>(new GuestAddress((cr3 & ~0xfffUL) + (((va >> 39) & 511) * 8)));
        Assert.Equal(3UL, pml4e & 3);
        ulong pdpte = memory.Read<ulong>(new GuestAddress((pml4e & ~0xfffUL) + (((va >> 30) & 511) * 8)));
        Assert.Equal(3UL, pdpte & 3);
        ulong pde = memory.Read<ulong>(new GuestAddress((pdpte & ~0xfffUL) + (((va >> 21) & 511) * 8)));
        Assert.Equal(0x83UL, pde & 0x83);
        return (pde & ~0x1fffffUL & 0x000f_ffff_ffff_f000UL) | (va & 0x1fffff);
    }
}
