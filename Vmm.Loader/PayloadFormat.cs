namespace Vmm.Loader;

/// <summary>The compression of a bzImage payload, recognised by its magic bytes.</summary>
public enum PayloadFormat
{
    /// <summary>Not recognised.</summary>
    Unknown = 0,

    /// <summary>An uncompressed ELF file.</summary>
    Uncompressed = 1,

    /// <summary>gzip (1f 8b).</summary>
    Gzip = 2,

    /// <summary>XZ (fd 37 7a 58 5a 00), usually with the x86 BCJ filter.</summary>
    Xz = 3,

    /// <summary>LZ4 legacy frame (02 21 4c 18).</summary>
    Lz4Legacy = 4,

    /// <summary>Zstandard (28 b5 2f fd).</summary>
    Zstd = 5,

    /// <summary>bzip2 ("BZh"); recognised but not supported.</summary>
    Bzip2 = 6,

    /// <summary>LZMA (5d 00 00); recognised but not supported.</summary>
    Lzma = 7,

    /// <summary>LZO (89 4c 5a 4f); recognised but not supported.</summary>
    Lzo = 8,
}
