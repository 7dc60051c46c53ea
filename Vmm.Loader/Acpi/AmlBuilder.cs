using System.Runtime.InteropServices;

namespace Vmm.Loader.Acpi;

/// <summary>
/// Builds AML byte code (ACPI 6.5 §20) term by term: data objects (integers in their shortest encoding,
/// strings, EISA ids, packages, buffers, resource templates) and named objects (Name, Scope, Device,
/// Method). Nested constructs take a callback that fills a child builder; their PkgLength is computed
/// from what it wrote.
/// </summary>
/// <example><code>
/// var aml = new AmlBuilder().Scope("\\_SB_", sb => sb.Device("COM1", d => d
///     .Name("_HID", v => v.EisaId("PNP0501"))
///     .Name("_UID", 1)));
/// </code></example>
public sealed class AmlBuilder
{
    private const byte ZeroOp = 0x00;
    private const byte OneOp = 0x01;
    private const byte OnesOp = 0xff;
    private const byte BytePrefix = 0x0a;
    private const byte WordPrefix = 0x0b;
    private const byte DWordPrefix = 0x0c;
    private const byte StringPrefix = 0x0d;
    private const byte QWordPrefix = 0x0e;
    private const byte NameOp = 0x08;
    private const byte ScopeOp = 0x10;
    private const byte BufferOp = 0x11;
    private const byte PackageOp = 0x12;
    private const byte MethodOp = 0x14;
    private const byte ReturnOp = 0xa4;
    private const byte ExtOpPrefix = 0x5b;
    private const byte DeviceOp = 0x82;
    private const byte DualNamePrefix = 0x2e;
    private const byte MultiNamePrefix = 0x2f;
    private const byte RootChar = (byte)'\\';
    private const byte ParentPrefixChar = (byte)'^';
    private const byte NullName = 0x00;

    private readonly List<byte> _bytes = [];

    /// <summary>The number of bytes written so far.</summary>
    public int Length => _bytes.Count;

    /// <summary>The number of top-level terms written so far (a package's element count).</summary>
    public int TermCount { get; private set; }

    /// <summary>The AML bytes written so far.</summary>
    public byte[] ToArray() => [.. _bytes];

    /// <summary>
    /// An integer in its shortest encoding: ZeroOp, OneOp, OnesOp (all 64 bits set; the tables are
    /// revision 2 with 64-bit integers), or BytePrefix/WordPrefix/DWordPrefix/QWordPrefix.
    /// </summary>
    public AmlBuilder Integer(ulong value)
    {
        switch (value)
        {
            case 0:
                Append(ZeroOp);
                break;
            case 1:
                Append(OneOp);
                break;
            case ulong.MaxValue:
                Append(OnesOp);
                break;
            case <= byte.MaxValue:
                Append(BytePrefix);
                AppendLittleEndian(value, 1);
                break;
            case <= ushort.MaxValue:
                Append(WordPrefix);
                AppendLittleEndian(value, 2);
                break;
            case <= uint.MaxValue:
                Append(DWordPrefix);
                AppendLittleEndian(value, 4);
                break;
            default:
                Append(QWordPrefix);
                AppendLittleEndian(value, 8);
                break;
        }

        TermCount++;
        return this;
    }

    /// <summary>A string constant (StringPrefix, ASCII 0x01–0x7f, NUL).</summary>
    /// <exception cref="ArgumentException">A character is outside 0x01–0x7f.</exception>
    public AmlBuilder String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (char c in value)
        {
            if (c is < (char)1 or > (char)0x7f)
            {
                throw new ArgumentException($"AML strings hold ASCII 0x01-0x7f only: '{value}'.", nameof(value));
            }
        }

        Append(StringPrefix);
        foreach (char c in value)
        {
            Append((byte)c);
        }

        Append(0);
        TermCount++;
        return this;
    }

    /// <summary>A compressed EISA id such as "PNP0501" as a DWord integer (ASL's <c>EISAID()</c>).</summary>
    public AmlBuilder EisaId(string id)
    {
        uint value = AmlEncoding.EisaId(id);
        Append(DWordPrefix);
        AppendLittleEndian(value, 4);
        TermCount++;
        return this;
    }

    /// <summary>
    /// A name reference (NameString): an optional root <c>\</c> or parent <c>^</c> prefixes, then name
    /// segments separated by dots, each 1–4 characters (first A–Z or _, then A–Z, 0–9 or _), padded with _.
    /// </summary>
    public AmlBuilder NamePath(string path)
    {
        AppendNameString(path);
        TermCount++;
        return this;
    }

    /// <summary><c>Name(name, value)</c>: the value is the single data term <paramref name="value"/> writes.</summary>
    public AmlBuilder Name(string name, Action<AmlBuilder> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var child = Child(value);
        if (child.TermCount != 1)
        {
            throw new ArgumentException($"Name({name}) needs exactly one data object, got {child.TermCount}.", nameof(value));
        }

        Append(NameOp);
        AppendNameString(name);
        _bytes.AddRange(child._bytes);
        TermCount++;
        return this;
    }

    /// <summary><c>Name(name, integer)</c>.</summary>
    public AmlBuilder Name(string name, ulong value) => Name(name, v => v.Integer(value));

    /// <summary><c>Name(name, "string")</c>.</summary>
    public AmlBuilder Name(string name, string value) => Name(name, v => v.String(value));

    /// <summary><c>Scope(path) { body }</c>.</summary>
    public AmlBuilder Scope(string path, Action<AmlBuilder> body) => NamedBlock([ScopeOp], path, body);

    /// <summary><c>Device(name) { body }</c>.</summary>
    public AmlBuilder Device(string name, Action<AmlBuilder> body) => NamedBlock([ExtOpPrefix, DeviceOp], name, body);

    /// <summary><c>Method(name, argumentCount, Serialized|NotSerialized) { body }</c> with sync level 0.</summary>
    public AmlBuilder Method(string name, int argumentCount, bool serialized, Action<AmlBuilder> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(argumentCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(argumentCount, 7);
        ArgumentNullException.ThrowIfNull(body);
        var child = new AmlBuilder();
        child.AppendNameString(name);
        child.Append((byte)(argumentCount | (serialized ? 0x08 : 0)));
        body(child);
        Append(MethodOp);
        AppendPackage(child._bytes);
        TermCount++;
        return this;
    }

    /// <summary><c>Return(value)</c>: the value is the single term <paramref name="value"/> writes.</summary>
    public AmlBuilder Return(Action<AmlBuilder> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var child = Child(value);
        if (child.TermCount != 1)
        {
            throw new ArgumentException($"Return needs exactly one term, got {child.TermCount}.", nameof(value));
        }

        Append(ReturnOp);
        _bytes.AddRange(child._bytes);
        TermCount++;
        return this;
    }

    /// <summary><c>Package() { elements }</c>: NumElements is the number of terms <paramref name="elements"/> writes (at most 255).</summary>
    public AmlBuilder Package(Action<AmlBuilder> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var child = Child(elements);
        if (child.TermCount > byte.MaxValue)
        {
            throw new ArgumentException($"A Package holds at most 255 elements, got {child.TermCount}.", nameof(elements));
        }

        var content = new List<byte>(child.Length + 1) { (byte)child.TermCount };
        content.AddRange(child._bytes);
        Append(PackageOp);
        AppendPackage(content);
        TermCount++;
        return this;
    }

    /// <summary><c>Package() { integers }</c>.</summary>
    public AmlBuilder Package(params ulong[] integers)
    {
        ArgumentNullException.ThrowIfNull(integers);
        return Package(p =>
        {
            foreach (ulong i in integers)
            {
                p.Integer(i);
            }
        });
    }

    /// <summary><c>Buffer() { bytes }</c>: BufferOp, PkgLength, the size as an integer, the bytes.</summary>
    public AmlBuilder Buffer(ReadOnlySpan<byte> data)
    {
        var content = new AmlBuilder().Integer((ulong)data.Length);
        foreach (byte b in data)
        {
            content.Append(b);
        }

        Append(BufferOp);
        AppendPackage(content._bytes);
        TermCount++;
        return this;
    }

    /// <summary><c>ResourceTemplate() { descriptors }</c>: a buffer of resource descriptors ending with the end tag and its checksum.</summary>
    public AmlBuilder ResourceTemplate(Action<ResourceTemplateBuilder> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var template = new ResourceTemplateBuilder();
        resources(template);
        return Buffer(template.ToArray());
    }

    private static AmlBuilder Child(Action<AmlBuilder> fill)
    {
        var child = new AmlBuilder();
        fill(child);
        return child;
    }

    private AmlBuilder NamedBlock(ReadOnlySpan<byte> opcode, string name, Action<AmlBuilder> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var child = new AmlBuilder();
        child.AppendNameString(name);
        body(child);
        foreach (byte b in opcode)
        {
            Append(b);
        }

        AppendPackage(child._bytes);
        TermCount++;
        return this;
    }

    private void AppendPackage(List<byte> content)
    {
        _bytes.AddRange(AmlEncoding.PackageLength(content.Count));
        _bytes.AddRange(CollectionsMarshal.AsSpan(content));
    }

    private void AppendNameString(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int i = 0;
        if (path.StartsWith('\\'))
        {
            Append(RootChar);
            i = 1;
        }
        else
        {
            while (i < path.Length && path[i] == '^')
            {
                Append(ParentPrefixChar);
                i++;
            }
        }

        string rest = path[i..];
        if (rest.Length == 0)
        {
            if (i == 0)
            {
                throw new ArgumentException("An AML name cannot be empty.", nameof(path));
            }

            Append(NullName);
            return;
        }

        string[] segments = rest.Split('.');
        if (segments.Length > byte.MaxValue)
        {
            throw new ArgumentException($"AML name '{path}' has too many segments.", nameof(path));
        }

        if (segments.Length == 2)
        {
            Append(DualNamePrefix);
        }
        else if (segments.Length > 2)
        {
            Append(MultiNamePrefix);
            Append((byte)segments.Length);
        }

        foreach (string segment in segments)
        {
            AppendNameSegment(segment, path);
        }
    }

    private void AppendNameSegment(string segment, string path)
    {
        if (segment.Length is 0 or > 4 || !IsLeadChar(segment[0]))
        {
            throw new ArgumentException($"AML name segment '{segment}' in '{path}' must be 1-4 characters starting with A-Z or _.", nameof(path));
        }

        for (int i = 0; i < 4; i++)
        {
            char c = i < segment.Length ? segment[i] : '_';
            if (!IsLeadChar(c) && c is not (>= '0' and <= '9'))
            {
                throw new ArgumentException($"AML name segment '{segment}' in '{path}' may hold only A-Z, 0-9 and _.", nameof(path));
            }

            Append((byte)c);
        }
    }

    private static bool IsLeadChar(char c) => c is (>= 'A' and <= 'Z') or '_';

    private void Append(byte value) => _bytes.Add(value);

    private void AppendLittleEndian(ulong value, int size)
    {
        for (int i = 0; i < size; i++)
        {
            _bytes.Add((byte)(value >> (8 * i)));
        }
    }
}
