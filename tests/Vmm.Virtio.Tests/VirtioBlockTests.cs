using Vmm.Virtio.Block;
using Vmm.Virtio.Tests.Support;

namespace Vmm.Virtio.Tests;

public sealed class VirtioBlockTests
{
    private const uint In = 0, Out = 1, Flush = 4, GetId = 8, Discard = 11, WriteZeroes = 13;

    [Fact]
    public void WriteFlushRead_RealFile_RoundTripsAndLandsOnDisk()
    {
        using var h = new BlockHarness();
        var payload = new byte[4096];
        new Random(7).NextBytes(payload);

        Assert.Equal(0, h.Submit(Out, 8, payload).Status);
        Assert.Equal(0, h.Submit(Flush, 0).Status);
        var (status, used, data) = h.Submit(In, 8, inLength: 4096);

        Assert.Equal(0, status);
        Assert.Equal(4097u, used);
        Assert.Equal(payload, h.Memory.Read(data, 4096));
        var onDisk = new byte[4096];
        RandomAccess.Read(h.File, onDisk, 8 * 512);
        Assert.Equal(payload, onDisk);
        Assert.True(h.Interrupts.Pulses > 0);
    }

    [Fact]
    public void Config_Capacity_ReportsSectors()
    {
        using var h = new BlockHarness(imageSize: (1 << 20) + 100);
        Assert.Equal(2048u, h.Driver.Read(VirtioMmioRegister.Config));
        Assert.Equal(0u, h.Driver.Read(VirtioMmioRegister.Config + 4));
        Assert.Equal(512u, h.Driver.Read(VirtioMmioRegister.Config + 20));
    }

    [Theory]
    [InlineData(2047UL, 1024u)]
    [InlineData(2048UL, 512u)]
    [InlineData(ulong.MaxValue, 512u)]
    [InlineData(ulong.MaxValue / 512, 1024u)]
    public void Read_PastCapacityOrOverflowing_IoError(ulong sector, uint length)
    {
        using var h = new BlockHarness();
        Assert.Equal((byte)VirtioBlockStatus.IoError, h.Submit(In, sector, inLength: length).Status);
    }

    [Fact]
    public void Read_LastSector_Ok()
    {
        using var h = new BlockHarness();
        Assert.Equal(0, h.Submit(In, 2047, inLength: 512).Status);
    }

    [Fact]
    public void Write_LengthNotMultipleOf512_IoErrorAndFileUntouched()
    {
        using var h = new BlockHarness();
        Assert.Equal((byte)VirtioBlockStatus.IoError, h.Submit(Out, 0, new byte[100]).Status);
        var head = new byte[100];
        RandomAccess.Read(h.File, head, 0);
        Assert.All(head, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Write_ReadOnlyDevice_IoError()
    {
        using var h = new BlockHarness(options: new VirtioBlockOptions { ReadOnly = true });
        Assert.Equal((byte)VirtioBlockStatus.IoError, h.Submit(Out, 0, new byte[512]).Status);
        Assert.Equal((byte)VirtioBlockStatus.IoError, h.Submit(WriteZeroes, 0, Segment(0, 1, 0)).Status);
        Assert.Equal(0, h.Submit(In, 0, inLength: 512).Status);
    }

    [Fact]
    public void GetId_TwentyBytes_SerialZeroPadded()
    {
        using var h = new BlockHarness();
        var (status, used, data) = h.Submit(GetId, 0, inLength: 20);
        Assert.Equal(0, status);
        Assert.Equal(21u, used);
        var expected = new byte[20];
        "vmm-test-disk"u8.CopyTo(expected);
        Assert.Equal(expected, h.Memory.Read(data, 20));
    }

    [Fact]
    public void GetId_ShortBuffer_IoError()
    {
        using var h = new BlockHarness();
        Assert.Equal((byte)VirtioBlockStatus.IoError, h.Submit(GetId, 0, inLength: 19).Status);
    }

    [Fact]
    public void UnknownType_Unsupported()
    {
        using var h = new BlockHarness();
        Assert.Equal((byte)VirtioBlockStatus.Unsupported, h.Submit(99, 0).Status);
    }

    [Fact]
    public void WriteZeroes_WrittenRange_ReadsZeroes()
    {
        using var h = new BlockHarness();
        var ones = Enumerable.Repeat((byte)1, 2048).ToArray();
        Assert.Equal(0, h.Submit(Out, 4, ones).Status);
        Assert.Equal(0, h.Submit(WriteZeroes, 0, Segment(5, 2, 0)).Status);
        Assert.Equal(0, h.Submit(WriteZeroes, 0, Segment(7, 1, 1)).Status);
        var (_, _, data) = h.Submit(In, 4, inLength: 2048);
        var back = h.Memory.Read(data, 2048);
        Assert.All(back[..512], b => Assert.Equal(1, b));
        Assert.All(back[512..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Discard_ReservedFlags_Unsupported()
    {
        using var h = new BlockHarness();
        Assert.Equal((byte)VirtioBlockStatus.Unsupported, h.Submit(Discard, 0, Segment(0, 8, 1)).Status);
        Assert.Equal(0, h.Submit(Discard, 0, Segment(0, 8, 0)).Status);
        Assert.Equal((byte)VirtioBlockStatus.IoError, h.Submit(Discard, 0, Segment(2040, 9, 0)).Status);
    }

    [Fact]
    public void Request_NoWritableStatus_CompletedWithZeroLength()
    {
        using var h = new BlockHarness();
        var header = h.Queue.AllocateBuffer(16);
        ushort head = h.Queue.AddChain(new Testing.SimulatedBuffer(header, 16, false));
        h.Driver.Notify(0);
        Assert.True(h.Queue.TryTakeUsed(out var used));
        Assert.Equal(new UsedElement(head, 0), used);
        Assert.Equal(1, h.Device.FailedRequestCount);
    }

    private static byte[] Segment(ulong sector, uint count, uint flags)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), sector);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), count);
        BitConverter.TryWriteBytes(bytes.AsSpan(12), flags);
        return bytes;
    }
}
