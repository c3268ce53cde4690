using ScottPlot;
using TrainMonitor.Checkpoints;
using TrainMonitor.Outputs;

namespace TrainMonitor.Plots;

/// <summary>
/// Batch-averaged shell profiles of several checkpoints on log–log axes, each with the band from its smallest to its
/// largest batch: how far a profile could move with the choice of probe batches alone, beside how far it moved between
/// checkpoints.
/// </summary>
internal static class BatchSpreadPlot
{
    // As in ProfilePlot: a log axis cannot show 0, and a batch minimum is often exactly 0.
    private const double DecadesShown = 8;

    /// <summary>One line (the mean over batches) and one band (min to max over batches) per checkpoint, coloured in order.</summary>
    public static Plot Overlay(string title, IReadOnlyList<(string Label, IReadOnlyList<ShellSnapshot> Shells, IReadOnlyList<ShellBatchSpread> Spread)> profiles)
    {
        var plot = FigureRenderer.NewPlot(title, "eigenvalue λ of M (shell centre)", "energy in shell (mean over batches)");
        var largest = profiles.SelectMany(p => p.Spread).Select(s => s.Max).Where(v => double.IsFinite(v) && v > 0).DefaultIfEmpty(1).Max();
        var floor = largest * Math.Pow(10, -DecadesShown);
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (var i = 0; i < profiles.Count; i++)
        {
            var (label, shells, spread) = profiles[i];
            if (spread.Count == 0)
            {
                continue;
            }

            var color = colormap.GetColor(profiles.Count == 1 ? 0.0 : 0.9 * i / (profiles.Count - 1));
            var xs = shells.Select(s => Math.Log10(Math.Sqrt(s.LambdaLower * s.LambdaUpper))).ToArray();
            var band = plot.Add.FillY(xs,
                spread.Select(s => Math.Log10(Math.Max(s.Min, floor))).ToArray(),
                spread.Select(s => Math.Log10(Math.Max(s.Max, floor))).ToArray());
            band.FillStyle.Color = color.WithAlpha(0.15);
            band.LineStyle.Width = 0;
            SegmentedLine.Add(plot, xs, spread.Select(s => s.Mean > floor ? Math.Log10(s.Mean) : double.NaN).ToArray(), color, label, markerSize: 4);
        }

        AxisScale.Logarithmic.Apply(plot.Axes.Bottom);
        AxisScale.Logarithmic.Apply(plot.Axes.Left);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(Math.Log10(floor) - 0.2, plot.Axes.GetLimits().Top + 0.3);
        AxisScale.Logarithmic.IncludeADecade(plot, vertical: false);
        LegendPlacement.Beside.Show(plot);
        return plot;
    }
}
