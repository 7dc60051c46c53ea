using FsCheck.Xunit;
using Vmm.Memory;

namespace Vmm.Loader.Tests;

public sealed class KernelCommandLineTests
{
    [Fact]
    public void ToString_ParametersValuesAndInitArguments_KernelSyntax()
    {
        var cmdline = new KernelCommandLine(256)
            .Add("console=ttyS0")
            .Add("root", "/dev/vda")
            .Add("dyndbg", "file virtio* +p")
            .AddVirtioMmioDevice(0x1000, new GuestAddress(0xd0000000), 5)
            .AddVirtioMmioDevice(2UL << 20, new GuestAddress(0xd0001000), 6)
            .AddInitArguments("-v", "two words")
            .Add("quiet");

        Assert.Equal(
            "console=ttyS0 root=/dev/vda dyndbg=\"file virtio* +p\" virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=2M@0xd0001000:6 quiet -- -v \"two words\"",
            cmdline.ToString());
        Assert.Equal(cmdline.ToString().Length, cmdline.Length);
        Assert.Equal(0, cmdline.ToBytesWithNul()[^1]);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a=\"b")]
    [InlineData("a=b\"c\"")]
    [InlineData("=x")]
    [InlineData("a\nb")]
    [InlineData("a=\0")]
    [InlineData("a=\t")]
    [InlineData("k\u00e9y=1")]
    [InlineData("--")]
    [InlineData("")]
    public void Add_WhatTheKernelWouldMisparse_Rejected(string parameter) =>
        Assert.Throws<KernelCommandLineException>(() => new KernelCommandLine().Add(parameter));

    [Fact]
    public void Add_OverCapacity_RejectedAndUnchanged()
    {
        var cmdline = new KernelCommandLine(16).Add("console=ttyS0");
        Assert.Throws<KernelCommandLineException>(() => cmdline.Add("x=1"));
        Assert.Equal("console=ttyS0", cmdline.ToString());
        cmdline.Add("a"); // 15 bytes + NUL fits exactly
        Assert.Equal(15, cmdline.Length);
    }

    [Property(MaxTest = 500)]
    public void Add_ArbitraryKeyValue_AcceptedOnlyIfKernelSplitsItBack(string key, string value)
    {
        key ??= string.Empty;
        value ??= string.Empty;
        var cmdline = new KernelCommandLine(KernelCommandLine.DefaultCapacity);
        try
        {
            cmdline.Add(key, value);
        }
        catch (KernelCommandLineException)
        {
            return;
        }

        // Accepted: the kernel's next_arg must give back exactly this key and value.
        var args = KernelArgSplitter.Split(cmdline.ToString());
        Assert.Single(args);
        Assert.Equal(key, args[0].Key);
        Assert.Equal(value, args[0].Value);
        Assert.All(cmdline.ToString(), c => Assert.InRange(c, ' ', '~'));
    }

    [Property(MaxTest = 300)]
    public void Length_ManyParameters_NeverExceedsCapacity(byte capacity, string[] parameters)
    {
        int cap = Math.Max(2, (int)capacity);
        var cmdline = new KernelCommandLine(cap);
        foreach (var p in parameters ?? [])
        {
            try
            {
                cmdline.Add(p ?? string.Empty);
            }
            catch (KernelCommandLineException)
            {
            }
        }

        Assert.True(cmdline.ToBytesWithNul().Length <= cap);
        Assert.Equal(cmdline.ToString().Length, cmdline.Length);
    }
}
