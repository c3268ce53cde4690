using System.Globalization;
using ScottPlot;

namespace Validation.Plotting;

/// <summary>One curve of a chart: its legend label and points (non-positive values are dropped on a log axis).</summary>
internal sealed record ChartSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = true, bool Dashed = false);

/// <summary>
/// Line charts written as PNG with ScottPlot. ScottPlot 5 has no native log axis: values are plotted as log10 and the
/// ticks are labelled 10^k, with log-spaced minor ticks.
/// </summary>
internal static class LogLogChart
{
    public static string Save(string path, string title, string xLabel, string yLabel, IEnumerable<ChartSeries> series, bool logX = true, bool logY = true)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var s in series)
        {
            var points = s.X.Zip(s.Y)
                .Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && (!logX || p.First > 0) && (!logY || p.Second > 0))
                .Select(p => (X: logX ? Math.Log10(p.First) : p.First, Y: logY ? Math.Log10(p.Second) : p.Second))
                .ToArray();
            var colour = palette.GetColor(index++);
            if (points.Length == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), colour);
            scatter.LegendText = s.Label;
            scatter.MarkerSize = s.Markers ? 5 : 0;
            scatter.LineWidth = 1.5f;
            if (s.Dashed)
            {
                scatter.LinePattern = LinePattern.Dashed;
            }
        }

        if (logX)
        {
            plot.Axes.Bottom.TickGenerator = LogTicks();
        }

        if (logY)
        {
            plot.Axes.Left.TickGenerator = LogTicks();
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 600);
        return path;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => "1e" + Math.Round(v).ToString(CultureInfo.InvariantCulture),
    };
}
