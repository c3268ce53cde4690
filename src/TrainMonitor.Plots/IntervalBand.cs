using ScottPlot;

namespace TrainMonitor.Plots;

/// <summary>
/// A shaded band between a lower and an upper series, broken where either cannot be shown, like
/// <see cref="SegmentedLine"/>. A band of one isolated point is drawn as a short thick vertical bar, since a filled area
/// needs two.
/// </summary>
internal static class IntervalBand
{
    /// <summary>Adds the band; <paramref name="legend"/> goes on its first piece. Returns the number of points drawn.</summary>
    public static int Add(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> lower, IReadOnlyList<double> upper, Color color, string? legend)
    {
        var drawn = 0;
        var legendPending = legend;
        foreach (var (start, count) in SegmentedLine.Segments(xs.Count,
                     i => double.IsFinite(xs[i]) && double.IsFinite(lower[i]) && double.IsFinite(upper[i])))
        {
            if (count == 1)
            {
                var bar = plot.Add.Line(xs[start], lower[start], xs[start], upper[start]);
                bar.LineColor = color;
                bar.LineWidth = 8;
                bar.MarkerSize = 0;
                bar.LegendText = legendPending ?? string.Empty;
            }
            else
            {
                var band = plot.Add.FillY(
                    xs.Skip(start).Take(count).ToArray(), lower.Skip(start).Take(count).ToArray(), upper.Skip(start).Take(count).ToArray());
                band.FillStyle.Color = color;
                band.LineStyle.Width = 0;
                band.LegendText = legendPending ?? string.Empty;
            }

            legendPending = null;
            drawn += count;
        }

        return drawn;
    }
}
