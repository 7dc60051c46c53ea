using System.Globalization;
using System.Text;

namespace Vmm.Virtio.Balloon;

/// <summary>An immutable copy of the latest statistics the guest reported through the stats queue.</summary>
public sealed class VirtioBalloonStatistics
{
    private readonly ulong[] _values;
    private readonly uint _present;

    internal VirtioBalloonStatistics(ReadOnlySpan<ulong> values, uint presentTags, long updateCount)
    {
        _values = values.ToArray();
        _present = presentTags;
        UpdateCount = updateCount;
        var tags = new List<VirtioBalloonStatTag>();
        for (int tag = 0; tag < BalloonStatsParser.TagCount; tag++)
        {
            if ((presentTags & (1u << tag)) != 0)
            {
                tags.Add((VirtioBalloonStatTag)tag);
            }
        }

        Tags = tags;
    }

    /// <summary>How many statistics buffers the device has received since it was created.</summary>
    public long UpdateCount { get; }

    /// <summary>The tags the latest report carried, in tag order.</summary>
    public IReadOnlyList<VirtioBalloonStatTag> Tags { get; }

    /// <summary>Gets the value the latest report gave for <paramref name="tag"/>; false when it did not carry it.</summary>
    public bool TryGetValue(VirtioBalloonStatTag tag, out ulong value)
    {
        int index = (int)tag;
        bool present = index < BalloonStatsParser.TagCount && (_present & (1u << index)) != 0;
        value = present ? _values[index] : 0;
        return present;
    }

    /// <summary>The statistics as <c>tag=value</c> pairs.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var tag in Tags)
        {
            text.Append(text.Length == 0 ? string.Empty : " ").Append(tag).Append('=').Append(_values[(int)tag].ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
