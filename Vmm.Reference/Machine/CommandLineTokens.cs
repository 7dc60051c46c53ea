namespace Vmm.Reference.Machine;

/// <summary>Splits a user's kernel command line into parameters the way the kernel does: at spaces outside double quotes.</summary>
internal static class CommandLineTokens
{
    public static List<string> Split(string commandLine)
    {
        var tokens = new List<string>();
        int start = -1;
        bool quoted = false;
        for (int i = 0; i < commandLine.Length; i++)
        {
            char c = commandLine[i];
            if (c == '"')
            {
                quoted = !quoted;
            }

            bool space = c is ' ' or '\t' && !quoted;
            if (space)
            {
                if (start >= 0)
                {
                    tokens.Add(commandLine[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            tokens.Add(commandLine[start..]);
        }

        return tokens;
    }
}
