namespace Validation.Scenarios;

/// <summary>
/// A detection delay in probes (first matching probe at or after the onset, minus the onset probe's index), or a miss.
/// For medians and maxima a miss counts as <see cref="MissedAs"/> = probes after the onset + 1: worse than any hit.
/// </summary>
internal readonly record struct Detection(int? Delay, int MissedAs)
{
    public bool Detected => Delay is not null;

    public int Value => Delay ?? MissedAs;

    public override string ToString() => Delay is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missed";
}
