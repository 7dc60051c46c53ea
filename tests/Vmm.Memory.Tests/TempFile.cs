using Microsoft.Win32.SafeHandles;

namespace Vmm.Memory.Tests;

/// <summary>A temporary file of a given size, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(long length, byte fill = 0)
    {
        Path = System.IO.Path.GetTempFileName();
        var bytes = new byte[length];
        Array.Fill(bytes, fill);
        File.WriteAllBytes(Path, bytes);
        Handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite);
    }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    public byte[] ReadAll()
    {
        var bytes = new byte[RandomAccess.GetLength(Handle)];
        RandomAccess.Read(Handle, bytes, 0);
        return bytes;
    }

    public void Dispose()
    {
        Handle.Dispose();
        File.Delete(Path);
    }
}
