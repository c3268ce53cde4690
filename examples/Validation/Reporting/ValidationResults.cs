using System.Globalization;

namespace Validation.Reporting;

/// <summary>The key=value figures of the closing RESULT line, in the order the cases produced them.</summary>
internal sealed class ValidationResults
{
    private readonly List<KeyValuePair<string, double>> _values = [];

    public void Set(string key, double value)
    {
        _values.RemoveAll(p => p.Key == key);
        _values.Add(new(key, value));
    }

    public IReadOnlyList<KeyValuePair<string, double>> Values => _values;

    /// <param name="label">The line's first word (a second line of figures, e.g. per schedule, gets its own).</param>
    public string ToResultLine(string label = "RESULT") =>
        label + " " + string.Join(" ", _values.Select(p => $"{p.Key}={p.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
}
