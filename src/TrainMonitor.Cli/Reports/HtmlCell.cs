using TrainMonitor.Plots;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Reports;

/// <summary>One table cell: already-encoded HTML, and whether it is prose (left-aligned) rather than a number.</summary>
internal sealed record HtmlCell(string Html, bool IsText)
{
    /// <summary>A number or short value, right-aligned.</summary>
    public static HtmlCell Number(string text) => new(HtmlDocument.Encode(text), false);

    /// <summary>Prose, left-aligned and wrapping.</summary>
    public static HtmlCell Text(string text) => new(HtmlDocument.Encode(text), true);

    /// <summary>A regime as a coloured label.</summary>
    public static HtmlCell Regime(TrainingRegime regime) =>
        new($"<span class=\"regime\" style=\"background:{RegimePalette.Hex(regime)}\">{regime.ToWireName()}</span>", true);
}
