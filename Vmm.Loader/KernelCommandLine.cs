using System.Globalization;
using System.Text;
using Vmm.Memory;

namespace Vmm.Loader;

/// <summary>
/// Builds a Linux kernel command line that the kernel's parser (<c>next_arg</c> in lib/cmdline.c)
/// reads back exactly as intended: printable ASCII only, parameters <c>key</c> or <c>key=value</c>,
/// values with spaces double-quoted (a value cannot hold a double quote: the kernel has no escape),
/// init arguments after <c>--</c>, and the total length within the image's <c>cmdline_size</c>.
/// </summary>
public sealed class KernelCommandLine
{
    /// <summary>The capacity used when the kernel states none (an ELF <c>vmlinux</c>), including the NUL.</summary>
    public const int DefaultCapacity = 2048;

    private readonly List<string> _parameters = [];
    private readonly List<string> _initArguments = [];
    private int _length;

    /// <summary>Creates an empty command line.</summary>
    /// <param name="capacity">The most bytes including the terminating NUL (for a bzImage: <c>cmdline_size</c> + 1).</param>
    public KernelCommandLine(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, BootLayout.CommandLineMaximumSize);
        Capacity = capacity;
    }

    /// <summary>The most bytes including the terminating NUL.</summary>
    public int Capacity { get; }

    /// <summary>The length of <see cref="ToString"/> in bytes (without the NUL).</summary>
    public int Length => _length;

    /// <summary>A command line whose capacity is the kernel's own limit.</summary>
    public static KernelCommandLine ForKernel(LoadedKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return kernel.SetupHeader is { } header
            ? new KernelCommandLine((int)Math.Min(header.CommandLineSize + 1UL, BootLayout.CommandLineMaximumSize))
            : new KernelCommandLine();
    }

    /// <summary>
    /// Adds one parameter written as the kernel sees it: <c>key</c>, <c>key=value</c> or
    /// <c>key="value with spaces"</c>.
    /// </summary>
    /// <exception cref="KernelCommandLineException">The parameter is malformed or does not fit.</exception>
    public KernelCommandLine Add(string parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        int eq = parameter.IndexOf('=', StringComparison.Ordinal);
        string key = eq < 0 ? parameter : parameter[..eq];
        ValidateKey(key, parameter);
        if (eq >= 0)
        {
            string value = parameter[(eq + 1)..];
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                ValidateValue(value[1..^1], parameter, quoted: true);
            }
            else
            {
                ValidateValue(value, parameter, quoted: false);
            }
        }

        Append(_parameters, parameter);
        return this;
    }

    /// <summary>Adds <c>key=value</c>, quoting the value when it holds spaces.</summary>
    /// <exception cref="KernelCommandLineException">The key or value is invalid, or it does not fit.</exception>
    public KernelCommandLine Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ValidateKey(key, key);
        bool quote = value.Contains(' ', StringComparison.Ordinal);
        ValidateValue(value, $"{key}={value}", quote);
        Append(_parameters, quote ? $"{key}=\"{value}\"" : $"{key}={value}");
        return this;
    }

    /// <summary>
    /// Adds a virtio-mmio device in the kernel's syntax <c>virtio_mmio.device=&lt;size&gt;@&lt;base&gt;:&lt;irq&gt;</c>,
    /// e.g. <c>virtio_mmio.device=4K@0xd0000000:5</c> (needs a kernel built with VIRTIO_MMIO_CMDLINE_DEVICES).
    /// </summary>
    public KernelCommandLine AddVirtioMmioDevice(ulong size, GuestAddress baseAddress, uint irq)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        return Add("virtio_mmio.device", string.Create(CultureInfo.InvariantCulture, $"{FormatSize(size)}@0x{baseAddress.Value:x}:{irq}"));
    }

    /// <summary>Adds arguments for init; they are written after <c>--</c>, after every kernel parameter.</summary>
    /// <exception cref="KernelCommandLineException">An argument is invalid or does not fit.</exception>
    public KernelCommandLine AddInitArguments(params ReadOnlySpan<string> arguments)
    {
        foreach (var argument in arguments)
        {
            ArgumentNullException.ThrowIfNull(argument, nameof(arguments));
            if (argument.Length == 0)
            {
                throw new KernelCommandLineException("Command line: an empty init argument cannot be expressed.");
            }

            bool quote = argument.Contains(' ', StringComparison.Ordinal);
            ValidateValue(argument, argument, quote);
            Append(_initArguments, quote ? $"\"{argument}\"" : argument);
        }

        return this;
    }

    /// <summary>The command line as the kernel will read it.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(_length);
        sb.AppendJoin(' ', _parameters);
        if (_initArguments.Count > 0)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append("-- ").AppendJoin(' ', _initArguments);
        }

        return sb.ToString();
    }

    /// <summary>The command line as ASCII bytes followed by the NUL terminator.</summary>
    public byte[] ToBytesWithNul()
    {
        var text = ToString();
        var bytes = new byte[text.Length + 1];
        Encoding.ASCII.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>Writes the NUL-terminated command line into guest memory.</summary>
    /// <exception cref="BootConfigurationException">The range is not guest RAM.</exception>
    public void Write(GuestMemory memory, GuestAddress address)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var bytes = ToBytesWithNul();
        if (!memory.TryWrite(address, bytes))
        {
            throw new BootConfigurationException($"Command line at {address}+0x{bytes.Length:x} is outside guest memory.");
        }
    }

    private void Append(List<string> list, string text)
    {
        // Separators: one space between items, plus " -- " before the first init argument.
        int total = _length + text.Length + (_length > 0 ? 1 : 0);
        if (list == _initArguments && _initArguments.Count == 0)
        {
            total += 3;
        }

        if (total + 1 > Capacity)
        {
            throw new KernelCommandLineException($"Command line: adding \"{text}\" makes it {total} bytes; the kernel takes {Capacity - 1}.");
        }

        list.Add(text);
        _length = total;
    }

    private static void ValidateKey(string key, string parameter)
    {
        if (key.Length == 0)
        {
            throw new KernelCommandLineException($"Command line: parameter \"{parameter}\" has an empty key.");
        }

        if (key == "--")
        {
            throw new KernelCommandLineException("Command line: use AddInitArguments for arguments after \"--\".");
        }

        foreach (char c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ',' or '/' or ':' or '[' or ']' or '+'))
            {
                throw new KernelCommandLineException($"Command line: key \"{Printable(key)}\" holds '{Printable(c.ToString())}' (allowed: letters, digits and _-.,/:[]+).");
            }
        }
    }

    private static void ValidateValue(string value, string parameter, bool quoted)
    {
        foreach (char c in value)
        {
            if (c < 0x20 || c > 0x7e)
            {
                throw new KernelCommandLineException($"Command line: \"{Printable(parameter)}\" holds a non-printable or non-ASCII character (U+{(int)c:X4}).");
            }

            if (c == '"')
            {
                throw new KernelCommandLineException($"Command line: \"{Printable(parameter)}\" holds a double quote the kernel cannot escape.");
            }

            if (c == ' ' && !quoted)
            {
                throw new KernelCommandLineException($"Command line: \"{Printable(parameter)}\" holds an unquoted space (it would split into two parameters).");
            }
        }
    }

    private static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return sb.ToString();
    }

    private static string FormatSize(ulong size) => size switch
    {
        _ when size % (1UL << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{size >> 30}G"),
        _ when size % (1UL << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{size >> 20}M"),
        _ when size % (1UL << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{size >> 10}K"),
        _ => size.ToString(CultureInfo.InvariantCulture),
    };
}
