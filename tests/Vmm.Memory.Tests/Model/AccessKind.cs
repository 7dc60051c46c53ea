namespace Vmm.Memory.Tests.Model;

public enum AccessKind
{
    ReadValue,
    WriteValue,
    ReadSpan,
    WriteSpan,
    ReadPartial,
    WritePartial,
    Fill,
    GetReadOnlySpan,
    GetWritableSpan,
    LoadAcquire,
    StoreRelease,
    CompareExchange,
    ThrowingRead,
    ThrowingWrite,
    ReadFromFile,
    WriteToFile,
    WalkRead,
    WalkWrite,
    WalkProbeWrite,
}
