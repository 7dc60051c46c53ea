namespace Vmm.Loader.Tests;

/// <summary>A model of the kernel's <c>next_arg</c> (lib/cmdline.c) used to check the builder's output.</summary>
internal static class KernelArgSplitter
{
    public static List<(string Key, string? Value)> Split(string args)
    {
        var result = new List<(string, string?)>();
        int i = 0;
        while (i < args.Length)
        {
            while (i < args.Length && char.IsWhiteSpace(args[i]))
            {
                i++;
            }

            if (i >= args.Length)
            {
                break;
            }

            int start = i, equals = -1;
            bool inQuote = false;
            if (args[i] == '"')
            {
                i++;
                start++;
                inQuote = true;
            }

            var arg = new System.Text.StringBuilder();
            for (; i < args.Length; i++)
            {
                char c = args[i];
                if (char.IsWhiteSpace(c) && !inQuote)
                {
                    break;
                }

                if (equals < 0 && c == '=')
                {
                    equals = arg.Length;
                }

                if (c == '"')
                {
                    inQuote = !inQuote;
                }

                arg.Append(c);
            }

            string text = arg.ToString();
            if (equals < 0)
            {
                result.Add((text.TrimEnd('"'), null));
            }
            else
            {
                string value = text[(equals + 1)..];
                if (value.StartsWith('"'))
                {
                    value = value[1..];
                    if (value.EndsWith('"'))
                    {
                        value = value[..^1];
                    }
                }

                result.Add((text[..equals], value));
            }
        }

        return result;
    }
}
