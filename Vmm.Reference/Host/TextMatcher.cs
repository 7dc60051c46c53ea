using System.Text;

namespace Vmm.Reference.Host;

/// <summary>Finds a fixed ASCII pattern in a byte stream fed in arbitrary chunks (Knuth–Morris–Pratt, no allocation per chunk).</summary>
internal sealed class TextMatcher
{
    private readonly byte[] _pattern;
    private readonly int[] _failure;
    private int _matched;

    public TextMatcher(string pattern)
    {
        _pattern = Encoding.ASCII.GetBytes(pattern);
        _failure = new int[_pattern.Length];
        for (int i = 1, k = 0; i < _pattern.Length; i++)
        {
            while (k > 0 && _pattern[i] != _pattern[k])
            {
                k = _failure[k - 1];
            }

            if (_pattern[i] == _pattern[k])
            {
                k++;
            }

            _failure[i] = k;
        }
    }

    /// <summary>Feeds bytes; returns true when the pattern has ended inside them.</summary>
    public bool Feed(ReadOnlySpan<byte> bytes)
    {
        bool found = false;
        foreach (byte b in bytes)
        {
            while (_matched > 0 && b != _pattern[_matched])
            {
                _matched = _failure[_matched - 1];
            }

            if (b == _pattern[_matched])
            {
                _matched++;
            }

            if (_matched == _pattern.Length)
            {
                found = true;
                _matched = _failure[_matched - 1];
            }
        }

        return found;
    }
}
