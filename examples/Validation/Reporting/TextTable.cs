using System.Globalization;
using System.Text;

namespace Validation.Reporting;

/// <summary>A plain fixed-width console table: the per-case output the issue asks for.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) => _rows.Add(cells.Select(Format).ToArray());

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", headers.Select((h, i) => h.PadLeft(widths[i]))));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => c.PadLeft(widths[i]))));
        }

        return text.ToString();
    }

    public static string Format(object? value) => value switch
    {
        null => "-",
        double d when double.IsNaN(d) => "NaN",
        double d => d.ToString(Math.Abs(d) is >= 1e-3 and < 1e5 or 0 ? "0.####" : "0.###e+0", CultureInfo.InvariantCulture),
        float f => Format((double)f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
